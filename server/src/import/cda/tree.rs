//! The element tree: a streaming reader keeps the `urn:hl7-org:v3` elements only.

use super::{HL7_NS, MAX_DEPTH, XSI_NS};
use crate::import::batch::ImportError;
use crate::import::text::LineIndex;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

pub(super) struct Node {
    pub(super) name: String,
    /// Unqualified attributes by local name; `xsi:` ones as "xsi:type" etc.
    pub(super) attrs: Vec<(String, String)>,
    pub(super) children: Vec<Node>,
    pub(super) text: String,
    pub(super) offset: usize,
}

impl Node {
    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    pub(super) fn children_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub(super) fn path(&self, names: &[&str]) -> Option<&Node> {
        names.iter().try_fold(self, |node, name| node.child(name))
    }
}

pub(super) fn read_tree(file: &str, text: &str, lines: &LineIndex) -> Result<Node, ImportError> {
    let err_at = |offset: usize, field: &str, message: String| {
        ImportError::new(file, Some(lines.line_of(offset)), field, message)
    };
    // Checked on the raw text too, so the refusal does not depend on where the parser stops.
    if let Some(pos) = text.find("<!DOCTYPE").or_else(|| text.find("<!doctype")) {
        return Err(err_at(pos, "<!DOCTYPE>", doctype_message()));
    }
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut skip_depth = 0usize;
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            err_at(
                reader.error_position() as usize,
                "(xml)",
                format!("malformed XML: {e}"),
            )
        })?;
        let in_hl7 = match &event {
            Event::Start(e) | Event::Empty(e) => {
                matches!(reader.resolve_element(e.name()).0, ResolveResult::Bound(n) if n.as_ref() == HL7_NS.as_bytes())
            }
            _ => false,
        };
        match event {
            Event::DocType(_) => return Err(err_at(at, "<!DOCTYPE>", doctype_message())),
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(event, Event::Empty(_));
                if skip_depth > 0 || (!in_hl7 && !stack.is_empty()) {
                    // Foreign element (extension): ignored with everything inside it.
                    if !is_empty {
                        skip_depth += 1;
                    }
                    continue;
                }
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if stack.is_empty() {
                    if root.is_some() {
                        return Err(err_at(at, &name, "more than one root element".into()));
                    }
                    if name != "ClinicalDocument" {
                        return Err(err_at(
                            at,
                            &name,
                            "not a checkup file: the root element must be ClinicalDocument".into(),
                        ));
                    }
                    if !in_hl7 {
                        return Err(err_at(
                            at,
                            "ClinicalDocument/@xmlns",
                            format!("wrong namespace: hc08 files use xmlns=\"{HL7_NS}\""),
                        ));
                    }
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(err_at(
                        at,
                        &name,
                        format!("elements nest deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let node = Node {
                    attrs: attributes(&reader, e, file, lines, at)?,
                    name,
                    children: Vec::new(),
                    text: String::new(),
                    offset: at,
                };
                if is_empty {
                    attach(&mut stack, &mut root, node);
                } else {
                    stack.push(node);
                }
            }
            Event::End(_) => {
                if skip_depth > 0 {
                    skip_depth -= 1;
                } else if let Some(node) = stack.pop() {
                    attach(&mut stack, &mut root, node);
                }
            }
            Event::Text(t) => {
                if skip_depth == 0 {
                    if let Some(top) = stack.last_mut() {
                        let s = t.unescape().map_err(|e| {
                            err_at(
                                at,
                                &top.name,
                                format!("bad entity or character reference: {e}"),
                            )
                        })?;
                        top.text.push_str(&s);
                    }
                }
            }
            Event::CData(t) => {
                if let (0, Some(top)) = (skip_depth, stack.last_mut()) {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    root.ok_or_else(|| {
        ImportError::new(
            file,
            None,
            "ClinicalDocument",
            "the file holds no ClinicalDocument element",
        )
    })
}

fn doctype_message() -> String {
    "<!DOCTYPE> is not allowed in checkup files (hc08 files never have one; DTDs can pull in outside content)".into()
}

fn attach(stack: &mut [Node], root: &mut Option<Node>, node: Node) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => *root = Some(node),
    }
}

fn attributes(
    reader: &NsReader<&[u8]>,
    e: &BytesStart<'_>,
    file: &str,
    lines: &LineIndex,
    at: usize,
) -> Result<Vec<(String, String)>, ImportError> {
    let mut out = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|err| {
            ImportError::new(
                file,
                Some(lines.line_of(at)),
                "(xml)",
                format!("malformed attribute: {err}"),
            )
        })?;
        let (ns, local) = reader.resolve_attribute(attr.key);
        let local = String::from_utf8_lossy(local.as_ref()).into_owned();
        let key = match ns {
            ResolveResult::Unbound => local,
            ResolveResult::Bound(n) if n.as_ref() == XSI_NS.as_bytes() => format!("xsi:{local}"),
            _ => continue, // xmlns declarations and foreign attributes
        };
        let value = attr.unescape_value().map_err(|err| {
            ImportError::new(
                file,
                Some(lines.line_of(at)),
                &format!("@{key}"),
                format!("bad entity or character reference: {err}"),
            )
        })?;
        out.push((key, value.into_owned()));
    }
    Ok(out)
}
