"""Malformed inputs of every kind a stranger can hand the readers, made from a seed (nothing is committed: the
same seed gives the same bytes). Each generator takes a `random.Random` and a size budget and returns
`(kind, filename, bytes)`; `cases(door, rng)` gives one of each kind for a door, `mixed(n, seed)` a long mix for
`benchmarks/fuzz.py`.

Doors: "roster" and "suppliers" (CSV/XLSX/XLS/ODS tables), "criteria" (a criteria workbook), "answers" (an answers
JSON file) and "pdf" (a certificate PDF to verify). Workbooks are written by hand (a zip of XML parts) so that a
part can be exactly as hostile as wanted: an entity bomb in sharedStrings, a cell at XFD1048576, a part that claims
to be small and inflates to gigabytes. `big=True` asks for the large variants (a 50 MB line, 200 MB of
inflated XML): the benchmark makes those; the tests keep to a few megabytes."""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
DOORS = ("roster", "suppliers", "criteria", "answers", "pdf")
Case = tuple[str, str, bytes]
Generator = Callable[[random.Random, bool], Case]


# ------------------------------------------------------------------------------------------------- base files


def _csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


ROSTER = _csv_rows(ROOT / "tests" / "data" / "roster_libreoffice.csv")
SUPPLIERS = _csv_rows(ROOT / "tests" / "data" / "suppliers_example.csv")
CRITERIA = {name: _csv_rows(ROOT / "criteria" / "award" / f"{name}.csv")
            for name in ("settings", "sections", "indicators", "choices", "bands", "priorities")}
ANSWERS = json.loads((ROOT / "examples" / "strong.json").read_text(encoding="utf-8"))


def to_csv(rows: list[list[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def _col(n: int) -> str:
    name = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name


def sheet_xml(rows: list[list[str]], dimension: str | None = None, extra_rows: str = "", doctype: str = "") -> str:
    """A worksheet part with inline strings (numbers as numbers)."""
    out = [(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')]
    if dimension:
        out.append(f'<dimension ref="{dimension}"/>')
    out.append("<sheetData>")
    for r, cells in enumerate(rows, start=1):
        out.append(f'<row r="{r}">')
        for c, value in enumerate(cells):
            ref = f"{_col(c)}{r}"
            if value.isdigit() and len(value) < 15:
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif value:
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        out.append("</row>")
    out.append(extra_rows)
    out.append("</sheetData></worksheet>")
    return "".join(out)


def xlsx(sheets: dict[str, str], shared: str | None = None, workbook_doctype: str = "",
         compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A workbook from worksheet parts (name -> XML); `shared` is a sharedStrings part."""
    names = list(sheets)
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
          'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                    f'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(names) + 1))
          + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             'spreadsheetml.sharedStrings+xml"/>' if shared is not None else "")
          + "</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    wb = (f'<?xml version="1.0" encoding="UTF-8"?>{workbook_doctype}<workbook xmlns="http://schemas.openxmlformats.'
          'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
          "<sheets>" + "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>'
                               for i, n in enumerate(names, start=1)) + "</sheets></workbook>")
    wb_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
               'package/2006/relationships">'
               + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                         f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                         for i in range(1, len(names) + 1))
               + (f'<Relationship Id="rId{len(names) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/'
                  '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' if shared is not None else "")
               + "</Relationships>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        for i, n in enumerate(names, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", sheets[n])
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
    return buf.getvalue()


def table_rows(door: str) -> list[list[str]]:
    return [list(r) for r in (ROSTER if door == "roster" else SUPPLIERS)]


def table_xlsx(door: str, rows: list[list[str]] | None = None, **kw: str) -> bytes:
    name = "Danh sách" if door == "roster" else "Nhà cung cấp"
    return xlsx({name: sheet_xml(rows if rows is not None else table_rows(door), **kw)})


def criteria_xlsx(edit: Callable[[dict[str, list[list[str]]]], None] | None = None, **kw: str) -> bytes:
    """The reference criteria as a workbook, after `edit` changed its rows (a dict of sheet -> rows)."""
    sheets = {k: [list(r) for r in v] for k, v in CRITERIA.items()}
    if edit:
        edit(sheets)
    return xlsx({k: sheet_xml(v, **(kw if k == "indicators" else {})) for k, v in sheets.items()})


def _name(door: str, suffix: str) -> str:
    return {"roster": "danh_sach", "suppliers": "nha_cung_cap", "criteria": "tieu_chi", "answers": "tra_loi",
            "pdf": "chung_nhan"}[door] + suffix


# ---------------------------------------------------------------------------------------- byte-level damage


def truncated(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(0, max(1, len(data)))]


def bit_flipped(data: bytes, rng: random.Random, flips: int | None = None) -> bytes:
    out = bytearray(data)
    for _ in range(flips or rng.randint(1, 12)):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def rezipped_with_damage(data: bytes, rng: random.Random) -> bytes:
    """Damage inside one XML part of a zip, with the zip itself intact (CRCs right): the XML parser sees it."""
    src = zipfile.ZipFile(io.BytesIO(data))
    victim = rng.choice([n for n in src.namelist() if n.endswith(".xml")])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            part = src.read(name)
            if name == victim:
                how = rng.randrange(4)
                if how == 0:
                    part = bit_flipped(part, rng, rng.randint(1, 40))
                elif how == 1:
                    part = truncated(part, rng)
                elif how == 2:  # a chunk moved elsewhere: tags out of order
                    i, j = sorted(rng.randrange(len(part)) for _ in range(2))
                    k = rng.randrange(len(part))
                    part = part[:k] + part[i:j] + part[k:]
                else:  # odd attribute values
                    part = part.replace(b'r="', rng.choice([b'r="-', b'r="XFD', b'r="0', b'r="A99999999999', b'r="']), 5)
            z.writestr(name, part)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------------- workbooks


def _table_or_criteria(door: str, **kw: str) -> bytes:
    return criteria_xlsx(**kw) if door == "criteria" else table_xlsx(door, **kw)


def xlsx_truncated(door: str) -> Generator:
    return lambda rng, big: ("xlsx_truncated", _name(door, ".xlsx"), truncated(_table_or_criteria(door), rng))


def xlsx_bit_flipped(door: str) -> Generator:
    return lambda rng, big: ("xlsx_bit_flipped", _name(door, ".xlsx"), bit_flipped(_table_or_criteria(door), rng))


def xlsx_xml_damaged(door: str) -> Generator:
    return lambda rng, big: ("xlsx_xml_damaged", _name(door, ".xlsx"),
                             rezipped_with_damage(_table_or_criteria(door), rng))


def _first_sheet_name(door: str) -> str:
    return "indicators" if door == "criteria" else ("Danh sách" if door == "roster" else "Nhà cung cấp")


def _with_sheet(door: str, xml: str, shared: str | None = None) -> bytes:
    if door == "criteria":
        sheets = {k: sheet_xml(v) for k, v in CRITERIA.items()}
        sheets["indicators"] = xml
        return xlsx(sheets, shared)
    return xlsx({_first_sheet_name(door): xml}, shared)


def xlsx_far_cell(door: str) -> Generator:
    def make(rng: random.Random, big: bool) -> Case:
        rows = CRITERIA["indicators"] if door == "criteria" else table_rows(door)
        where = rng.choice(["XFD1048576", "A1048576", "XFD2", "ZZZZ1", "A99999999"])
        extra = f'<row r="{where.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}"><c r="{where}"><v>1</v></c></row>'
        dim = rng.choice([None, "A1:XFD1048576", f"A1:{where}"])
        return "xlsx_far_cell", _name(door, ".xlsx"), _with_sheet(door, sheet_xml(rows, dim, extra))
    return make


def xlsx_far_dimension(door: str) -> Generator:
    def make(rng: random.Random, big: bool) -> Case:
        rows = CRITERIA["indicators"] if door == "criteria" else table_rows(door)
        return "xlsx_far_dimension", _name(door, ".xlsx"), _with_sheet(door, sheet_xml(rows, "A1:XFD1048576"))
    return make


_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
           + "]>")


def xlsx_billion_laughs(door: str) -> Generator:
    """The entity expansion bomb in a worksheet, in sharedStrings or in workbook.xml."""
    def make(rng: random.Random, big: bool) -> Case:
        where = rng.randrange(3)
        rows = CRITERIA["indicators"] if door == "criteria" else table_rows(door)
        if where == 0:
            xml = sheet_xml(rows, doctype=_LAUGHS).replace("<sheetData>", "<sheetData>", 1)
            xml = xml.replace("</sheetData>", '<row r="999"><c r="A999" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
                              "</sheetData>")
            return "xlsx_billion_laughs", _name(door, ".xlsx"), _with_sheet(door, xml)
        if where == 1:
            shared = (f'<?xml version="1.0"?>{_LAUGHS}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                      '2006/main" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>')
            xml = sheet_xml(rows).replace("</sheetData>", '<row r="999"><c r="A999" t="s"><v>0</v></c></row></sheetData>')
            return "xlsx_billion_laughs", _name(door, ".xlsx"), _with_sheet(door, xml, shared)
        book = _table_or_criteria(door)
        src = zipfile.ZipFile(io.BytesIO(book))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name in src.namelist():
                part = src.read(name)
                if name == "xl/workbook.xml":
                    part = part.replace(b"?>", b"?>" + _LAUGHS.encode(), 1).replace(b'name="', b'name="&lol9;', 1)
                z.writestr(name, part)
        return "xlsx_billion_laughs", _name(door, ".xlsx"), buf.getvalue()
    return make


def xlsx_external_entity(door: str) -> Generator:
    def make(rng: random.Random, big: bool) -> Case:
        doctype = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        rows = CRITERIA["indicators"] if door == "criteria" else table_rows(door)
        xml = sheet_xml(rows, doctype=doctype).replace(
            "</sheetData>", '<row r="999"><c r="A999" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>')
        return "xlsx_external_entity", _name(door, ".xlsx"), _with_sheet(door, xml)
    return make


def xlsx_deep_xml(door: str) -> Generator:
    def make(rng: random.Random, big: bool) -> Case:
        depth = 200_000 if big else 50_000
        rows = CRITERIA["indicators"] if door == "criteria" else table_rows(door)
        xml = sheet_xml(rows).replace("</sheetData>", '<row r="999"><c r="A999" t="inlineStr"><is><t>'
                                      + "<r>" * depth + "x" + "</r>" * depth + "</t></is></c></row></sheetData>")
        return "xlsx_deep_xml", _name(door, ".xlsx"), _with_sheet(door, xml)
    return make


def xlsx_zip_bomb(door: str) -> Generator:
    """A worksheet that inflates to hundreds of megabytes: padding, or a million empty rows."""
    def make(rng: random.Random, big: bool) -> Case:
        mb = rng.choice([200, 600]) if big else 20
        rows = CRITERIA["indicators"] if door == "criteria" else table_rows(door)
        base = sheet_xml(rows)
        if rng.random() < 0.5:
            head, tail = base.split("</sheetData>")
            pad = " " * (mb * 1024 * 1024)
            xml = head + pad + "</sheetData>" + tail
        else:
            n = mb * 1024 * 1024 // 20
            xml = base.replace("</sheetData>", "".join(f'<row r="{i}"/>' for i in range(100, 100 + n // 10))
                               + "</sheetData>")
        return "xlsx_zip_bomb", _name(door, ".xlsx"), _with_sheet(door, xml)
    return make


def xlsx_lying_sizes(door: str) -> Generator:
    """A zip whose headers claim sizes that are not the part's (tiny or 4 GB)."""
    def make(rng: random.Random, big: bool) -> Case:
        data = bytearray(_table_or_criteria(door))
        claim = rng.choice([b"\xff\xff\xff\xff", b"\x01\x00\x00\x00", b"\x00\x00\x00\x00"])
        i = 0
        while True:  # patch the uncompressed size of every central directory entry
            i = data.find(b"PK\x01\x02", i)
            if i < 0:
                break
            data[i + 24:i + 28] = claim
            i += 4
        return "xlsx_lying_sizes", _name(door, ".xlsx"), bytes(data)
    return make


def xlsx_many_cells(door: str) -> Generator:
    """Every column (16,384) in one row, or a long column of rows: within the sheet's bounds but large."""
    def make(rng: random.Random, big: bool) -> Case:
        rows = [list(r) for r in (CRITERIA["indicators"] if door == "criteria" else table_rows(door))]
        if rng.random() < 0.5:
            rows[1] = rows[1] + ["x"] * (16_384 - len(rows[1]))
        else:
            n = 300_000 if big else 20_000
            rows += [[f"E{i}", "01/01/2000"] for i in range(n)]
        return "xlsx_many_cells", _name(door, ".xlsx"), _with_sheet(door, sheet_xml(rows))
    return make


def xlsx_huge_cell(door: str) -> Generator:
    def make(rng: random.Random, big: bool) -> Case:
        size = (60 if big else 4) * 1024 * 1024
        rows = [list(r) for r in (CRITERIA["indicators"] if door == "criteria" else table_rows(door))]
        rows[1][rng.randrange(len(rows[1]))] = "Ắ" * (size // 3)
        return "xlsx_huge_cell", _name(door, ".xlsx"), _with_sheet(door, sheet_xml(rows))
    return make


def xlsx_shared_count(door: str) -> Generator:
    """sharedStrings claiming a billion strings, and cells pointing past the end of the table."""
    def make(rng: random.Random, big: bool) -> Case:
        shared = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                  'count="4000000000" uniqueCount="4000000000"><si><t>x</t></si></sst>')
        rows = CRITERIA["indicators"] if door == "criteria" else table_rows(door)
        xml = sheet_xml(rows).replace("</sheetData>", '<row r="999"><c r="A999" t="s"><v>99999999999</v></c>'
                                      '<c r="B999" t="s"><v>-1</v></c></row></sheetData>')
        return "xlsx_shared_count", _name(door, ".xlsx"), _with_sheet(door, xml, shared)
    return make


def xlsx_odd_values(door: str) -> Generator:
    """Numbers, dates and errors no office writes: 1e308, NaN, serial dates before 1900 and after 9999."""
    def make(rng: random.Random, big: bool) -> Case:
        rows = CRITERIA["indicators"] if door == "criteria" else table_rows(door)
        cells = "".join(f'<c r="{_col(i)}2"{t}><v>{v}</v></c>' for i, (t, v) in enumerate([
            ("", rng.choice(["1e308", "-1e308", "NaN", "INF", "1e-320", "99999999999999999999999"])),
            ("", rng.choice(["-1", "0", "2958466", "99999999", "1e20"])),
            (' t="d"', rng.choice(["0001-01-01T00:00:00", "9999-12-31T23:59:59", "10000-01-01", "x"])),
            (' t="e"', "#DIV/0!"), (' t="b"', rng.choice(["2", "x", "1"])), (' t="n"', "abc"),
            (' s="14"', rng.choice(["-5", "2958466", "1e300"]))]))
        xml = sheet_xml(rows).replace('<row r="2">', f'<row r="2">{cells}', 1)
        return "xlsx_odd_values", _name(door, ".xlsx"), _with_sheet(door, xml)
    return make


def not_a_workbook(door: str) -> Generator:
    """XLS and ODS garbage: the right magic bytes or suffix with nothing behind them, or an ODS with a bomb."""
    def make(rng: random.Random, big: bool) -> Case:
        how = rng.randrange(5)
        if how == 0:
            return "xls_garbage", _name(door, ".xls"), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(rng.randrange(0, 5000))
        if how == 1:
            return "ods_garbage", _name(door, ".ods"), rng.randbytes(rng.randrange(0, 3000))
        if how == 2:
            return "xlsx_garbage", _name(door, ".xlsx"), b"PK\x03\x04" + rng.randbytes(rng.randrange(0, 3000))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            body = ("<table:table-cell>&lol9;</table:table-cell>" if how == 3 else
                    '<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
                    'table:number-columns-repeated="16384"><text:p>x</text:p></table:table-cell></table:table-row>')
            z.writestr("content.xml", f'<?xml version="1.0"?>{_LAUGHS if how == 3 else ""}<office:document-content '
                       'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:'
                       'tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
                       f'<office:body><office:spreadsheet><table:table table:name="S">{body}</table:table>'
                       "</office:spreadsheet></office:body></office:document-content>")
            z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:'
                       'names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                       'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
        return "ods_bomb", _name(door, ".ods"), buf.getvalue()
    return make


def empty_file(door: str) -> Generator:
    suffixes = {"roster": [".csv", ".xlsx", ".xls", ".ods"], "suppliers": [".csv", ".xlsx"],
                "criteria": [".xlsx"], "answers": [".json"], "pdf": [".pdf"]}[door]

    def make(rng: random.Random, big: bool) -> Case:
        data = rng.choice([b"", b" ", b"\n\n\n", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"PK\x03\x04", b"%PDF-"])
        return "empty", _name(door, rng.choice(suffixes)), data
    return make


# ----------------------------------------------------------------------------------------------- delimited text


def _text(door: str) -> str:
    return to_csv(table_rows(door))


def csv_encoding(door: str) -> Generator:
    def make(rng: random.Random, big: bool) -> Case:
        text = _text(door)
        how = rng.randrange(6)
        if how == 0:
            data = text.encode("utf-16-le")  # "Unicode text" without its BOM
        elif how == 1:
            data = text.encode("utf-16-be")
        elif how == 2:
            data = text.encode("cp1258", errors="replace")
        elif how == 3:  # invalid UTF-8 sprinkled into UTF-8
            raw = bytearray(text.encode("utf-8"))
            for _ in range(rng.randint(1, 20)):
                raw.insert(rng.randrange(len(raw)), rng.choice([0xC0, 0xFF, 0x80, 0xED, 0xF8]))
            data = bytes(raw)
        elif how == 4:  # a BOM that lies
            data = b"\xff\xfe" + text.encode("utf-8")
        else:  # odd-length UTF-16, a lone surrogate
            data = b"\xff\xfe" + text.encode("utf-16-le")[:-1] + b"\x00\xd8"
        return "csv_encoding", _name(door, ".csv"), data
    return make


def csv_huge_line(door: str) -> Generator:
    """One line of 50 MB (4 MB in tests): a cell, a header or a run of delimiters."""
    def make(rng: random.Random, big: bool) -> Case:
        size = (50 if big else 4) * 1024 * 1024
        text = _text(door)
        how = rng.randrange(4)
        if how == 0:
            data = text.encode() + b"x" * size
        elif how == 1:
            data = text.encode() + b'"' + b"a" * size  # a quote never closed
        elif how == 2:
            data = text.split("\r\n", 1)[0].encode() + b"," * size
        else:
            data = b"a" * size
        return "csv_huge_line", _name(door, ".csv"), data
    return make


def csv_many_rows(door: str) -> Generator:
    def make(rng: random.Random, big: bool) -> Case:
        n = 400_000 if big else 30_000
        head = _text(door).split("\r\n", 1)[0]
        how = rng.randrange(3)
        if how == 0:  # the same row again and again (the duplicate check)
            row = _text(door).split("\r\n")[1]
            body = (row + "\r\n") * n
        elif how == 1:
            body = "\r\n" * n * 10
        else:
            body = "".join(",".join(str(rng.randrange(10**6)) for _ in range(3)) + "\n" for _ in range(n // 10))
        return "csv_many_rows", _name(door, ".csv"), (head + "\r\n" + body).encode()
    return make


def csv_many_columns(door: str) -> Generator:
    def make(rng: random.Random, big: bool) -> Case:
        n = rng.choice([20_000, 200_000])
        rows = table_rows(door)
        rows[0] = rows[0] + [f"c{i}" for i in range(n)]
        return "csv_many_columns", _name(door, ".csv"), to_csv(rows[:3]).encode()
    return make


def csv_structure(door: str) -> Generator:
    """Ragged rows, NULs, quotes in odd places, mixed newlines, control characters."""
    def make(rng: random.Random, big: bool) -> Case:
        text = _text(door)
        out = list(text)
        for _ in range(rng.randint(1, 30)):
            out.insert(rng.randrange(len(out)), rng.choice(['"', ",", "\x00", "\r", "\n", ";", "\t", "|", "\x1a",
                                                            "\u202e", "\ufeff", "=cmd|' /C calc'!A0"]))
        return "csv_structure", _name(door, ".csv"), "".join(out).encode("utf-8")
    return make


_EXTREME = ["0001-01-01", "9999-12-31", "31/12/9999", "01/01/0001", "00/00/0000", "29/02/2100", "0", "-1",
            "2958466", "99999999999999999999", "1e308", "-1e308", "NaN", "inf", "-inf", "1" * 5000, "9" * 20,
            "1.7976931348623157e309", "31/02/2020", "2020-13-01", "10000-01-01", "99999", "1/1/1", "١٢/٠٣/٢٠٠٩",
            "𝟏𝟐/𝟎𝟑/𝟐𝟎𝟎𝟗", "01/01/1900 25:61", "-0", "0x10", "1_000", "٣"]


def csv_extreme_values(door: str) -> Generator:
    """Dates, numbers and words at the edge of every type, as CSV or as workbook text."""
    def make(rng: random.Random, big: bool) -> Case:
        rows = table_rows(door)
        for r in rows[1:]:
            for i in range(len(r)):
                if rng.random() < 0.5:
                    r[i] = rng.choice(_EXTREME)
        if rng.random() < 0.5:
            return "csv_extreme_values", _name(door, ".csv"), to_csv(rows).encode()
        return "xlsx_extreme_values", _name(door, ".xlsx"), table_xlsx(door, rows)
    return make


# ---------------------------------------------------------------------------------------------- criteria only


def _deep_condition(rng: random.Random, big: bool) -> str:
    depth = rng.choice([100, 1_000, 20_000] if big else [100, 1_000, 5_000])
    how = rng.randrange(4)
    if how == 0:
        return "(" * depth + "${PRO-01} = 'yes'" + ")" * depth
    if how == 1:
        return "not " * depth + "${PRO-01} = 'yes'"
    if how == 2:
        return " and ".join(["${PRO-01} = 'yes'"] * depth)
    return "(" * depth  # unbalanced


def criteria_deep_relevant(rng: random.Random, big: bool) -> Case:
    def edit(sheets: dict[str, list[list[str]]]) -> None:
        rows = sheets["indicators"]
        col = rows[0].index("relevant")
        target = rng.randrange(2, len(rows))
        rows[target][col] = _deep_condition(rng, big)
    return "criteria_deep_relevant", "tieu_chi.xlsx", criteria_xlsx(edit)


def criteria_odd_values(rng: random.Random, big: bool) -> Case:
    """Weights, scores and days that no officer writes: 1e309, NaN, 5,000 digits, negative, text."""
    def edit(sheets: dict[str, list[list[str]]]) -> None:
        for rows in sheets.values():
            for r in rows[1:]:
                for i in range(len(r)):
                    if rng.random() < 0.08:
                        r[i] = rng.choice(_EXTREME + ["", "select_one", "select_one nope", "${", "yes|no|" * 100])
    return "criteria_odd_values", "tieu_chi.xlsx", criteria_xlsx(edit)


def criteria_structure(rng: random.Random, big: bool) -> Case:
    """Sheets missing, duplicated rows, swapped headers, 20,000 indicators."""
    def edit(sheets: dict[str, list[list[str]]]) -> None:
        how = rng.randrange(4)
        name = rng.choice(list(sheets))
        if how == 0:
            del sheets[name]
        elif how == 1:
            sheets[name] = sheets[name] + sheets[name][1:] * rng.choice([2, 50])
        elif how == 2:
            rng.shuffle(sheets[name][0])
        else:
            base = sheets["indicators"][2]
            col = sheets["indicators"][0].index("id")
            for i in range(rng.choice([2_000, 20_000])):
                row = list(base)
                row[col] = f"X-{i}"
                sheets["indicators"].append(row)
    return "criteria_structure", "tieu_chi.xlsx", criteria_xlsx(edit)


# ---------------------------------------------------------------------------------------------------- answers


def answers_deep(rng: random.Random, big: bool) -> Case:
    depth = rng.choice([1_000, 100_000, 1_000_000 if big else 200_000])
    how = rng.randrange(3)
    if how == 0:
        text = "[" * depth + "]" * depth
    elif how == 1:
        text = '{"a":' * depth + "1" + "}" * depth
    else:
        inner = '{"value":' * depth + '"yes"' + "}" * depth
        text = '{"answers": {"PRO-01": ' + inner + "}}"
    return "json_deep", "tra_loi.json", text.encode()


def answers_numbers(rng: random.Random, big: bool) -> Case:
    doc = json.loads(json.dumps(ANSWERS))
    key = rng.choice(list(doc["answers"]))
    number = rng.choice(["1" * 5000, "1" * 100_000, "1e999999", "-1e999999", "NaN", "Infinity", "-0",
                         "1." + "0" * 100_000, "0." + "0" * 5000 + "1", "123456789012345678901234567890"])
    text = json.dumps(doc, ensure_ascii=False).replace(json.dumps(doc["answers"][key], ensure_ascii=False), number, 1)
    if rng.random() < 0.3:
        text = text.replace(json.dumps(doc["company"]["size"]), number, 1)
    return "json_long_number", "tra_loi.json", text.encode()


_WEIRD = [None, True, 0, -1, 1e308, "", "x" * 100_000, [], {}, [[]], {"value": {"value": "yes"}},
          {"value": ["yes", "no", 1, None]}, {"evidence": ["../../../etc/passwd"] * 1000}, "yes" * 1000,
          "\ud800", "\u0000", {"value": "yes", "evidence": "not-a-list"}, 2**64, "9999-12-31", "0001-01-01"]


def answers_types(rng: random.Random, big: bool) -> Case:
    doc: object = json.loads(json.dumps(ANSWERS))
    how = rng.randrange(5)
    if how == 0:
        doc = rng.choice([[], "answers", 1, None, [ANSWERS]])
    elif how == 1:
        for key in list(doc["answers"]):  # type: ignore[index]
            if rng.random() < 0.3:
                doc["answers"][key] = rng.choice(_WEIRD)  # type: ignore[index]
    elif how == 2:
        doc["answers"] = {f"K{i}": "yes" for i in range(rng.choice([1_000, 100_000]))}  # type: ignore[index]
    elif how == 3:
        doc[rng.choice(["criteria_version", "company", "answers"])] = rng.choice(_WEIRD)  # type: ignore[index]
    else:
        doc["company"] = {k: rng.choice(_WEIRD) for k in ANSWERS["company"]}  # type: ignore[index]
    return "json_types", "tra_loi.json", json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass")


def answers_bytes(rng: random.Random, big: bool) -> Case:
    text = json.dumps(ANSWERS, ensure_ascii=False)
    how = rng.randrange(5)
    if how == 0:
        data = text.encode("utf-16-le")
    elif how == 1:
        data = text.encode("cp1258", errors="replace")
    elif how == 2:
        data = bit_flipped(text.encode(), rng)
    elif how == 3:
        data = truncated(text.encode(), rng)
    else:
        data = b'{"answers": {"PRO-01": "' + b"x" * (6 * 1024 * 1024) + b'"}}'  # over 5 MB
    return "json_bytes", "tra_loi.json", data


# -------------------------------------------------------------------------------------------------------- PDF


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _page_pdf(content: bytes, filters: bytes = b"") -> bytes:
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                 b"<< /Length " + str(len(content)).encode() + filters + b" >>\nstream\n" + content + b"\nendstream"])


BASE_PDF = _page_pdf(b"BT /F1 12 Tf 72 720 Td (VN-CLF-2026-000001) Tj ET 0 0 m 10 10 l re f")


def pdf_damaged(rng: random.Random, big: bool) -> Case:
    how = rng.randrange(3)
    data = [truncated, bit_flipped, lambda d, r: d[: len(d) // 2] + r.randbytes(200)][how](BASE_PDF, rng)
    return "pdf_damaged", "chung_nhan.pdf", data


def pdf_bombs(rng: random.Random, big: bool) -> Case:
    """A flate stream that inflates to gigabytes, nesting a million deep, pages that are their own parent,
    a lazy-regex trap of keywords, thousands of drawing operators."""
    how = rng.randrange(6)
    if how == 0:
        z = zlib.compressobj(9)
        chunk = b"0 0 m " * 100_000
        body = b"".join(z.compress(chunk) for _ in range(1000 if big else 100)) + z.flush()
        data = _page_pdf(body, b" /Filter /FlateDecode")
    elif how == 1:
        depth = 1_000_000 if big else 100_000
        data = _pdf([b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * depth + b"]" * depth + b" >>",
                     b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1 1] >>"])
    elif how == 2:
        data = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 99999999 >>",
                     b"<< /Type /Page /Parent 3 0 R /Kids [2 0 R] >>"])
    elif how == 3:
        data = b"%PDF-1.4\n" + b"/Type /Page /Type /Page (" * 200_000 + b"\n%%EOF"
    elif how == 4:
        data = _page_pdf(b"0 0 1 1 re f " * (400_000 if big else 40_000))
    else:
        data = _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     b"<< /Type /Page /Parent 2 0 R /Contents [" + b"4 0 R " * 50_000 + b"] >>",
                     b"<< /Length 99999999999999999999 >>\nstream\nx\nendstream"])
    return "pdf_bomb", "chung_nhan.pdf", data


# ------------------------------------------------------------------------------------------------------ doors


def _table_generators(door: str) -> list[Generator]:
    return [xlsx_truncated(door), xlsx_bit_flipped(door), xlsx_xml_damaged(door), xlsx_far_cell(door),
            xlsx_far_dimension(door), xlsx_billion_laughs(door), xlsx_external_entity(door), xlsx_deep_xml(door),
            xlsx_zip_bomb(door), xlsx_lying_sizes(door), xlsx_many_cells(door), xlsx_huge_cell(door),
            xlsx_shared_count(door), xlsx_odd_values(door), not_a_workbook(door), empty_file(door)]


GENERATORS: dict[str, list[Generator]] = {
    "roster": _table_generators("roster") + [csv_encoding("roster"), csv_huge_line("roster"),
                                             csv_many_rows("roster"), csv_many_columns("roster"),
                                             csv_structure("roster"), csv_extreme_values("roster")],
    "suppliers": _table_generators("suppliers") + [csv_encoding("suppliers"), csv_huge_line("suppliers"),
                                                   csv_many_rows("suppliers"), csv_many_columns("suppliers"),
                                                   csv_structure("suppliers"), csv_extreme_values("suppliers")],
    "criteria": _table_generators("criteria") + [criteria_deep_relevant, criteria_odd_values, criteria_structure],
    "answers": [answers_deep, answers_numbers, answers_types, answers_bytes, empty_file("answers")],
    "pdf": [pdf_damaged, pdf_bombs, empty_file("pdf")],
}


def kinds(door: str) -> list[str]:
    """One name per generator of a door (for test ids)."""
    return [getattr(g, "__qualname__", "g").split(".<locals>")[0] for g in GENERATORS[door]]


def cases(door: str, rng: random.Random, big: bool = False) -> Iterator[Case]:
    """One case of every kind for a door."""
    for make in GENERATORS[door]:
        yield make(rng, big)


def mixed(n: int, seed: int = 16, big_share: float = 0.03) -> Iterator[tuple[str, Case]]:
    """`n` (door, case) pairs: doors in turn, kinds at random, a few of them big."""
    rng = random.Random(seed)
    for i in range(n):
        door = DOORS[i % len(DOORS)] if i % 10 else rng.choice(["roster", "suppliers", "criteria"])
        make = rng.choice(GENERATORS[door])
        yield door, make(rng, rng.random() < big_share)
