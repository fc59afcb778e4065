((root, pkgPath, jsName, wasmName) => {
	// Karte's island loader (in place of Leptos's island_script.js, which waits for the whole
	// document and then for an idle moment before it even fetches the bundle, and walks every
	// element of the body). This one runs as an async module: the bundle is fetched and
	// compiled while the page is still being parsed, each island hydrates as soon as it has
	// been parsed in full (looked for between the parser's tasks, and on DOMContentLoaded). Islands
	// must therefore not assume the rest of the document exists when they hydrate.
	const childrenCallbacks = [];
	const started = new WeakSet();

	async function traverse(node, mod) {
		if (node.nodeType !== Node.ELEMENT_NODE) return;
		const tag = node.tagName.toLowerCase();
		if (tag === 'leptos-island') {
			await hydrateIsland(node, node.dataset.component || null, mod);
			for (const child of node.children) await traverse(child, mod);
		} else if (tag === 'leptos-children') {
			childrenCallbacks.push(node.$$on_hydrate);
			for (const child of node.children) await traverse(child, mod);
			childrenCallbacks.pop();
		} else {
			for (const child of node.children) await traverse(child, mod);
		}
	}

	async function hydrateIsland(el, id, mod) {
		const islandFn = mod[id];
		if (!islandFn) {
			console.warn(`Could not find WASM function for the island ${id}.`);
			return;
		}
		const childrenCallback = childrenCallbacks[childrenCallbacks.length - 1];
		if (childrenCallback) childrenCallback();
		const res = islandFn(el);
		if (res && res.then) await res;
	}

	// The parser adds nodes in document order: once any node follows an element, the element
	// is complete.
	function parsed(el) {
		if (document.readyState !== 'loading') return true;
		for (let n = el; n; n = n.parentNode) {
			if (n.nextSibling) return true;
		}
		return false;
	}

	const islands = document.getElementsByTagName('leptos-island');

	async function hydrateParsed(mod) {
		for (const el of Array.from(islands)) {
			if (started.has(el) || el.parentElement.closest('leptos-island') || !parsed(el)) continue;
			started.add(el);
			await traverse(el, mod);
		}
	}

	import(`${root}/${pkgPath}/${jsName}.js`).then(async (mod) => {
		window.__hydrateIsland = (el, id) => hydrateIsland(el, id, mod);
		await mod.default({ module_or_path: `${root}/${pkgPath}/${wasmName}.wasm` });
		mod.hydrate();
		await hydrateParsed(mod);
		if (document.readyState === 'loading') {
			// The bundle may be ready before the parser reaches an island: look again between
			// the parser's tasks until the document is complete.
			const poll = () => {
				if (document.readyState !== 'loading') return;
				hydrateParsed(mod).then(() => setTimeout(poll, 16));
			};
			setTimeout(poll, 16);
			document.addEventListener('DOMContentLoaded', () => hydrateParsed(mod), { once: true });
		} else {
			await hydrateParsed(mod);
		}
	});
})
