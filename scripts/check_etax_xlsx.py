#!/usr/bin/env python3
"""Reads a filled 医療費集計フォーム with openpyxl (an independent xlsx reader) and checks it
against the official template: same sheets, version cell, header rows, formulas, formats,
validations, protection and layout; data only in B9:J(8+n) with the form's types and formats.

Usage: check_etax_xlsx.py FILLED.xlsx TEMPLATE.xlsx [EXPECTED.json]

EXPECTED.json (optional): {"rows": [{"person", "payee", "categories": [4 bools], "paid",
"reimbursed" (int or null), "paid_on" (str or null)}, ...]}. Prints the data rows it read as
JSON on stdout; exits 1 with the reasons on stderr when a check fails.
Run with Debian's python3 (package python3-openpyxl).
"""
import json
import sys

import openpyxl

SHEET = "医療費集計フォーム"
GUIDE = "ご利用に当たって"
FIRST, LAST = 9, 1003
DATA_COLS = "BCDEFGHIJ"
HEADERS = {
    "A1": "医療費集計フォーム  Ver.3.1",
    "A3": "入力した合計金額",
    "B3": "支払った医療費の金額",
    "B4": "左のうち、補填される金額",
    "G3": "●ご利用に当たって",
    "G4": "\u3000 ご利用に当たってはシート「ご利用に当たって」の内容をご確認ください。",
    "A6": "No",
    "B6": "医療を受けた人",
    "C6": "病院・薬局などの名称",
    "D6": "医療費の区分\u3000※複数選択可",
    "H6": "支払った医療費の金額",
    "I6": "左のうち、補填される金額",
    "J6": "支払年月日",
    "B7": "（全角10文字以内）",
    "C7": "（全角20文字以内）",
    "D7": "診療・治療",
    "E7": "医薬品購入",
    "F7": "介護保険サービス",
    "G7": "その他の医療費",
    "H7": "（半角数字９桁以内）",
    "I7": "（半角数字９桁以内）",
    "J7": "（任意）",
    "M2": "該当する",
}
FORMULAS = {
    "C3": '=IF(0=SUM(H9:H1003),"",SUM(H9:H1003))',
    "C4": '=IF(0=SUM(I9:I1003),"",SUM(I9:I1003))',
}

errors = []


def check(cond, message):
    if not cond:
        errors.append(message)


def layout(ws):
    """Everything about the sheet that filling must not change."""
    return {
        "dimensions": ws.dimensions,
        "freeze": ws.freeze_panes,
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "protected": ws.protection.sheet,
        "validations": sorted(
            (dv.type, dv.formula1, dv.formula2, str(dv.sqref), dv.errorTitle)
            for dv in ws.data_validations.dataValidation
        ),
        "widths": {k: round(v.width, 2) for k, v in ws.column_dimensions.items()},
        "print": (ws.page_setup.paperSize, ws.page_setup.orientation, ws.page_setup.scale),
    }


def main():
    filled_path, template_path = sys.argv[1], sys.argv[2]
    expected = None
    if len(sys.argv) > 3:
        with open(sys.argv[3], encoding="utf-8") as f:
            expected = json.load(f)["rows"]

    wb = openpyxl.load_workbook(filled_path)
    tpl = openpyxl.load_workbook(template_path)
    check(wb.sheetnames == [SHEET, GUIDE], f"sheets {wb.sheetnames}")
    check(wb.active.title == SHEET, f"active sheet {wb.active.title}")
    ws, tws = wb[SHEET], tpl[SHEET]

    for ref, text in HEADERS.items():
        check(ws[ref].value == text, f"{ref} is {ws[ref].value!r}, want {text!r}")
    for ref, formula in FORMULAS.items():
        check(ws[ref].value == formula, f"{ref} is {ws[ref].value!r}")
        check(ws[ref].number_format == tws[ref].number_format, f"{ref} format")
    check(layout(ws) == layout(tws), f"layout differs: {layout(ws)} vs {layout(tws)}")
    check(wb.security is not None and wb.security.lockStructure, "workbook structure lock lost")

    # Every cell outside the data area is the template's (value and format).
    for row in tws.iter_rows(min_row=1, max_row=tws.max_row):
        for t in row:
            if FIRST <= t.row <= LAST and t.column_letter in DATA_COLS:
                continue
            c = ws[t.coordinate]
            if (c.value, c.number_format) != (t.value, t.number_format):
                errors.append(f"{t.coordinate}: {c.value!r} ({c.number_format}) vs template {t.value!r}")
    # The guide sheet is untouched.
    g, tg = wb[GUIDE], tpl[GUIDE]
    for row in tg.iter_rows():
        for t in row:
            if g[t.coordinate].value != t.value:
                errors.append(f"{GUIDE}!{t.coordinate} changed")

    rows = []
    for r in range(FIRST, LAST + 1):
        cells = {col: ws[f"{col}{r}"] for col in DATA_COLS}
        check(ws[f"A{r}"].value == "=ROW()-8", f"A{r} is {ws[f'A{r}'].value!r}")
        for col, c in cells.items():
            want = "#,##0" if col in "HI" else "@"
            check(c.number_format == want, f"{col}{r} format {c.number_format!r}")
            check(c.protection.locked is False, f"{col}{r} is locked")
        if all(c.value is None for c in cells.values()):
            continue
        for col in "DEFG":
            v = cells[col].value
            check(v in (None, "該当する"), f"{col}{r} is {v!r}")
        for col in "HI":
            v = cells[col].value
            check(v is None or (isinstance(v, int) and 0 <= v <= 999_999_999), f"{col}{r} is {v!r}")
        for col, limit in (("B", 10), ("C", 20)):
            v = cells[col].value
            check(v is None or (isinstance(v, str) and len(v) <= limit), f"{col}{r} is {v!r}")
        rows.append({
            "row": r,
            "person": cells["B"].value,
            "payee": cells["C"].value,
            "categories": [cells[c].value == "該当する" for c in "DEFG"],
            "paid": cells["H"].value,
            "reimbursed": cells["I"].value,
            "paid_on": cells["J"].value,
        })
    check([x["row"] for x in rows] == list(range(FIRST, FIRST + len(rows))), "rows are not contiguous from row 9")

    if expected is not None:
        check(len(rows) == len(expected), f"{len(rows)} rows, want {len(expected)}")
        for got, want in zip(rows, expected):
            for k in ("person", "payee", "categories", "paid", "reimbursed", "paid_on"):
                check(got[k] == want[k], f"row {got['row']} {k}: {got[k]!r}, want {want[k]!r}")

    summary = {
        "sheets": wb.sheetnames,
        "version": ws["A1"].value,
        "rows": rows,
        "total_paid": sum(x["paid"] or 0 for x in rows),
        "total_reimbursed": sum(x["reimbursed"] or 0 for x in rows),
    }
    print(json.dumps(summary, ensure_ascii=False))
    if errors:
        for e in errors[:50]:
            print(e, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
