#!/usr/bin/env python3
"""Writes the seed corpora of the file-reader fuzz targets (csv, encoding, xlsx, ods, kml,
geojson, zip, json_source) with the standard library only; xls seeds come from
make_xls_seeds.pl (Spreadsheet::WriteExcel). The outputs are committed; rerun after changing a
seed here:  python3 fuzz/corpus/make_file_seeds.py

Every corpus holds real valid examples, Thai text in UTF-8 and cp874, invalid UTF-8, huge widths
and very long cells, deep nesting, truncated and empty files; the zip one also a small bomb,
nested zips, many entries and names that climb out of the archive. Each corpus stays well under
1 MB.
"""
import io
import os
import shutil
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TESTDATA = os.path.join(ROOT, "tests", "data", "datastore")

THAI = "จังหวัด,อำเภอ,จำนวนประชากร,วันที่สำรวจ\n" \
       "เชียงใหม่,เมืองเชียงใหม่,๑๒๓๔๕,31 ม.ค. 2567\n" \
       "ขอนแก่น,เมืองขอนแก่น,\"1,234,567\",1 กุมภาพันธ์ 2566\n" \
       "กรุงเทพมหานคร,บางรัก,-,29/02/2567\n"


def out(target, name, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in entries:
            if isinstance(data, str):
                data = data.encode("utf-8")
            z.writestr(zipfile.ZipInfo(name, (2024, 1, 31, 10, 30, 0)), data,
                       compress_type=compression)
    return buf.getvalue()


# --- delimited text ---------------------------------------------------------------------------

def csv_seeds():
    for name in sorted(os.listdir(TESTDATA)):
        if name.endswith((".csv", ".tsv")) and os.path.getsize(os.path.join(TESTDATA, name)) < 4096:
            shutil.copy(os.path.join(TESTDATA, name), os.path.join(HERE, "csv", name))
    out("csv", "thai-utf8.csv", THAI)
    out("csv", "thai-cp874.csv", THAI.encode("cp874"))
    out("csv", "thai-utf16le-bom.csv", b"\xff\xfe" + THAI.encode("utf-16-le"))
    out("csv", "utf8-bom-invalid.csv", b"\xef\xbb\xbfa,b\n1,\xff\xfe\n2,\xc3\x28\n")
    out("csv", "invalid-utf8.csv", b"name,value\n\xe0\xb8,1\n\xed\xa0\x80,2\n\xf4\x90\x80\x80,3\n")
    out("csv", "types.csv",
        "id,amount,flag,day,at,code\n"
        "1,\"1,234.50\",true,2024-01-31,2024-01-31T10:30:00,00123\n"
        "2,-7.25,false,31/01/2567,2567-01-31 10:30,00456\n"
        "3,N/A,yes,,2024-02-29T00:00:00,-\n")
    out("csv", "wide.csv", ",".join("c%d" % i for i in range(2100)) + "\n" +
        ",".join(str(i) for i in range(2100)) + "\n")
    out("csv", "long-cell.csv", "a,b\n\"" + "x" * 100000 + "\",1\n")
    out("csv", "unclosed-quote.csv", "a,b\n1,\"never closed\n2,3\n4,5\n")
    out("csv", "cr-only.csv", "a|b|c\r1|2|3\r4|5|6\r")
    out("csv", "pipe-crlf.csv", "x|y\r\n\"q|uoted\"|\"say \"\"hi\"\"\"\r\n")
    out("csv", "empty.csv", b"")
    out("csv", "crash-bom-then-invalid-utf8.csv", b"\xef\xbb\xbfa,b\n1,\xff\n")
    out("csv", "blank-lines.csv", "\n\n\n,\n\n")
    out("csv", "nul-binary.csv", b"a,b\n\x00\x01\x02,3\n")
    out("csv", "truncated-cp874.csv", THAI.encode("cp874")[:37])
    out("csv", "latin1.csv", "nom,ville\nRené,Zürich\nAndré,Besançon\n".encode("latin-1"))


def encoding_seeds():
    out("encoding", "utf8-thai", THAI)
    out("encoding", "utf8-bom", b"\xef\xbb\xbf" + THAI.encode())
    out("encoding", "utf8-bom-invalid", b"\xef\xbb\xbfok \xff\xc0\xaf \xed\xa0\x80 end")
    out("encoding", "cp874-thai", THAI.encode("cp874"))
    out("encoding", "cp874-undefined-bytes", THAI.encode("cp874") + b"\x81\xdb\xfc\xff")
    out("encoding", "utf16le-bom", b"\xff\xfe" + THAI.encode("utf-16-le"))
    out("encoding", "utf16be-bom", b"\xfe\xff" + THAI.encode("utf-16-be"))
    out("encoding", "utf16le-odd-length", b"\xff\xfe" + THAI.encode("utf-16-le")[:-1])
    out("encoding", "utf16le-lone-surrogate", b"\xff\xfea\x00\x00\xd8b\x00")
    out("encoding", "invalid-utf8", b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xe2\x82\x28\xf0\x28\x8c\xbc")
    out("encoding", "overlong", b"\xc0\x80\xe0\x80\x80\xf8\x88\x80\x80\x80")
    out("encoding", "latin1", "Grüße aus Köln, naïve café".encode("latin-1"))
    out("encoding", "shift-jis", "日本語のテキストです。東京都".encode("shift_jis"))
    out("encoding", "big5", "中文資料開放平台".encode("big5"))
    out("encoding", "iso-2022-jp", "日本語のテキスト".encode("iso-2022-jp"))
    out("encoding", "ascii", "plain,ascii\n1,2\n")
    out("encoding", "empty", b"")
    out("encoding", "crash-bom-then-invalid-utf8", b"\xef\xbb\xbfa\xff")
    out("encoding", "nul", b"a\x00b")
    # A Thai character split across the reader's 64 KiB pieces.
    out("encoding", "split-at-64k", b"a" * 65535 + "ก".encode() + b"z")
    out("encoding", "split-at-64k-utf16", b"\xff\xfe" + b"a\x00" * 32766 + b"a" + b"\x00\x0e")


# --- workbooks --------------------------------------------------------------------------------

CT = ('<?xml version="1.0" encoding="UTF-8"?>'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="xml" ContentType="application/xml"/></Types>')


def xlsx(sheets, shared=None, styles=None, rels=None, workbook=None):
    """sheets: [(name, sheetData xml)]"""
    wb = workbook or (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>' +
        "".join('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (n, i + 1, i + 1)
                for i, (n, _) in enumerate(sheets)) + '</sheets></workbook>')
    rl = rels or (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        "".join('<Relationship Id="rId%d" Target="worksheets/sheet%d.xml"/>' % (i + 1, i + 1)
                for i in range(len(sheets))) + '</Relationships>')
    entries = [("[Content_Types].xml", CT), ("xl/workbook.xml", wb),
               ("xl/_rels/workbook.xml.rels", rl)]
    if shared is not None:
        entries.append(("xl/sharedStrings.xml",
                        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
                        "".join("<si><t>%s</t></si>" % s for s in shared) + "</sst>"))
    if styles is not None:
        entries.append(("xl/styles.xml", styles))
    for i, (_, data) in enumerate(sheets):
        entries.append(("xl/worksheets/sheet%d.xml" % (i + 1),
                        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        "<sheetData>%s</sheetData></worksheet>" % data))
    return zip_bytes(entries)


STYLES = ('<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '<numFmts count="1"><numFmt numFmtId="164" formatCode="d/m/yyyy h:mm"/></numFmts>'
          '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs>'
          '</styleSheet>')


def xlsx_seeds():
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
            '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
            '<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2"><v>12345</v></c>'
            '<c r="C2" s="1"><v>45322</v></c><c r="D2" s="2"><v>45322.4375</v></c></row>'
            '<row r="3"><c r="A3" t="inlineStr"><is><t>ขอนแก่น</t></is></c><c r="B3"><v>-7.5</v></c>'
            '<c r="C3" s="1"><v>1</v></c><c r="D3" t="b"><v>1</v></c></row>')
    shared = ["จังหวัด", "ประชากร", "วันที่", "เวลา", "เชียงใหม่"]
    out("xlsx", "thai-shared-dates.xlsx", xlsx([("ข้อมูล", rows)], shared, STYLES))
    out("xlsx", "two-sheets.xlsx", xlsx([("Summary", '<row><c t="inlineStr"><is><t>a</t></is></c></row>'),
                                          ("Data", rows)], shared, STYLES))
    out("xlsx", "no-refs.xlsx", xlsx([("S", "<row><c><v>1</v></c><c><v>2</v></c></row>"
                                            "<row><c><v>3</v></c></row>")]))
    out("xlsx", "far-column.xlsx", xlsx([("S", '<row><c r="XFD1"><v>1</v></c></row>'
                                               '<row><c r="XFE2"><v>2</v></c></row>')]))
    out("xlsx", "long-column-ref.xlsx",
        xlsx([("S", '<row><c r="ZZZZZZZZZZZZZZ1"><v>1</v></c><c r="A1"><v>2</v></c></row>')]))
    out("xlsx", "bad-shared-index.xlsx",
        xlsx([("S", '<row><c t="s"><v>99</v></c><c t="s"><v>-1</v></c>'
                    '<c t="s"><v>18446744073709551617</v></c></row>')], ["x"]))
    out("xlsx", "odd-dates.xlsx",
        xlsx([("S", '<row><c s="1"><v>1e308</v></c><c s="1"><v>-1e308</v></c><c s="1"><v>nan</v></c>'
                    '<c s="2"><v>inf</v></c><c s="9"><v>1</v></c><c s="-1"><v>1</v></c></row>')],
             None, STYLES))
    deep = "<x>" * 300 + "</x>" * 300
    out("xlsx", "deep-nesting.xlsx", xlsx([("S", "<row><c><v>1</v></c></row>" + deep)]))
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
              '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<si><t>&lol2;</t></si></sst>')
    e = [("xl/workbook.xml", '<workbook><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>'),
         ("xl/sharedStrings.xml", laughs),
         ("xl/worksheets/sheet1.xml", "<worksheet><sheetData/></worksheet>")]
    out("xlsx", "doctype-entities.xlsx", zip_bytes(e))
    out("xlsx", "absolute-target.xlsx",
        xlsx([("S", "<row><c><v>1</v></c></row>")],
             rels='<Relationships><Relationship Id="rId1" Target="/xl/worksheets/sheet1.xml"/>'
                  '</Relationships>'))
    out("xlsx", "missing-sheet-part.xlsx",
        xlsx([("S", "<row/>")], rels='<Relationships><Relationship Id="rId1" '
                                     'Target="../../etc/passwd"/></Relationships>'))
    out("xlsx", "wide-row.xlsx",
        xlsx([("S", "<row>" + "".join("<c><v>%d</v></c>" % i for i in range(2100)) + "</row>")]))
    out("xlsx", "long-string.xlsx", xlsx([("S", '<row><c t="s"><v>0</v></c></row>')], ["ก" * 40000]))
    good = xlsx([("ข้อมูล", rows)], shared, STYLES)
    out("xlsx", "truncated.xlsx", good[: len(good) // 2])
    out("xlsx", "stored-not-deflated.xlsx",
        zip_bytes([("xl/workbook.xml", '<workbook><sheets><sheet name="S" r:id="a"/></sheets></workbook>'),
                   ("xl/_rels/workbook.xml.rels", '<Relationships><Relationship Id="a" Target="s.xml"/></Relationships>'),
                   ("xl/s.xml", '<worksheet><sheetData><row><c t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')],
                  zipfile.ZIP_STORED))
    out("xlsx", "invalid-xml.xlsx", xlsx([("S", "<row><c><v>1</c></row>")]))
    out("xlsx", "latin1-declared.xlsx",
        zip_bytes([("xl/workbook.xml", '<?xml version="1.0" encoding="ISO-8859-1"?><workbook><sheets>'
                                       '<sheet name="Caf\xe9" r:id="a"/></sheets></workbook>'.encode("latin-1")),
                   ("xl/_rels/workbook.xml.rels", '<Relationships><Relationship Id="a" Target="s.xml"/></Relationships>'),
                   ("xl/s.xml", '<worksheet><sheetData><row><c t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')]))
    out("xlsx", "empty", b"")
    # Inputs that found bugs (the replay keeps them): a shared string read after its handler's
    # state went out of scope (ASan), a column reference that overflowed int (UBSan).
    out("xlsx", "crash-shared-strings-stack-use-after-scope.xlsx",
        xlsx([("S", '<row><c t="s"><v>0</v></c></row>')], ["x"]))
    out("xlsx", "crash-column-ref-int-overflow.xlsx",
        xlsx([("S", '<row><c r="ZZZZZZZZZZZZZZ1"><v>1</v></c></row>')]))


OFFICE = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def ods(tables_xml, extra=()):
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content %s>'
               '<office:body><office:spreadsheet>%s</office:spreadsheet></office:body>'
               '</office:document-content>' % (OFFICE, tables_xml))
    return zip_bytes([("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
                      ("content.xml", content)] + list(extra))


def cell(text=None, vtype=None, value=None, repeat=None):
    attrs = ""
    if vtype:
        attrs += ' office:value-type="%s"' % vtype
        key = {"date": "office:date-value", "time": "office:time-value",
               "boolean": "office:boolean-value"}.get(vtype, "office:value")
        if value is not None:
            attrs += ' %s="%s"' % (key, value)
    if repeat:
        attrs += ' table:number-columns-repeated="%d"' % repeat
    body = "<text:p>%s</text:p>" % text if text is not None else ""
    return "<table:table-cell%s>%s</table:table-cell>" % (attrs, body)


def ods_seeds():
    t = ('<table:table table:name="ข้อมูล">'
         "<table:table-row>" + cell("จังหวัด") + cell("ประชากร") + cell("วันที่") + cell("ใช่") +
         "</table:table-row><table:table-row>" + cell("เชียงใหม่") + cell("12,345", "float", "12345") +
         cell("31/1/2024", "date", "2024-01-31") + cell("TRUE", "boolean", "true") +
         "</table:table-row><table:table-row>" +
         '<table:table-cell><text:p>a<text:s text:c="3"/>b<text:tab/>c<text:line-break/>d</text:p>'
         "<text:p>second</text:p></table:table-cell>" + cell("0.5", "percentage", "0.5") +
         cell("10:30", "time", "PT10H30M00S") + "</table:table-row>"
         '<table:table-row table:number-rows-repeated="1048570">' + cell(repeat=1024) +
         "</table:table-row></table:table>")
    out("ods", "thai-types.ods", ods(t))
    out("ods", "two-tables.ods", ods('<table:table table:name="A"><table:table-row>' + cell("x") +
                                     '</table:table-row></table:table>' + t.replace("ข้อมูล", "B")))
    out("ods", "repeated-rows.ods",
        ods('<table:table table:name="R"><table:table-row>' + cell("h") + cell("v") +
            '</table:table-row><table:table-row table:number-rows-repeated="5000">' +
            cell("1", "float", "1") + cell(repeat=3) + cell("z") + "</table:table-row></table:table>"))
    out("ods", "repeated-columns.ods",
        ods('<table:table table:name="C"><table:table-row>' + cell("v", repeat=3000) +
            "</table:table-row></table:table>"))
    out("ods", "blank-then-far-cell.ods",
        ods('<table:table table:name="C"><table:table-row>' + cell(repeat=100000) + cell("far") +
            "</table:table-row></table:table>"))
    out("ods", "many-spaces.ods",
        ods('<table:table table:name="S"><table:table-row><table:table-cell><text:p>'
            '<text:s text:c="100000"/></text:p></table:table-cell></table:table-row></table:table>'))
    out("ods", "covered-cells.ods",
        ods('<table:table table:name="M"><table:table-row>'
            '<table:table-cell table:number-columns-spanned="2"><text:p>merged</text:p></table:table-cell>'
            "<table:covered-table-cell/>" + cell("after") + "</table:table-row></table:table>"))
    out("ods", "deep-nesting.ods",
        ods('<table:table table:name="D">' + "<text:span>" * 300 + "</text:span>" * 300 +
            "</table:table>"))
    out("ods", "doctype.ods",
        zip_bytes([("content.xml", '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><office:document-content %s>'
                                   '<table:table table:name="&a;"/></office:document-content>' % OFFICE)]))
    out("ods", "no-content.ods", zip_bytes([("mimetype", "application/vnd.oasis.opendocument.spreadsheet")]))
    out("ods", "no-tables.ods", ods(""))
    good = ods(t)
    out("ods", "truncated.ods", good[: len(good) * 2 // 3])
    out("ods", "nested-table.ods",
        ods('<table:table table:name="O"><table:table-row><table:table-cell>'
            '<table:table table:name="I"><table:table-row>' + cell("inner") +
            "</table:table-row></table:table></table:table-cell></table:table-row></table:table>"))
    out("ods", "empty", b"")
    # Repeats that asked for gigabytes before they counted against the zip cap.
    out("ods", "bomb-spaces.ods",
        ods('<table:table table:name="S"><table:table-row><table:table-cell><text:p>'
            '<text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row></table:table>'))
    out("ods", "bomb-blank-cells.ods",
        ods('<table:table table:name="C"><table:table-row>' + cell(repeat=2147483647) + cell("far") +
            "</table:table-row></table:table>"))
    out("ods", "bomb-rows.ods",
        ods('<table:table table:name="R">' + ('<table:table-row table:number-rows-repeated="1000000">' +
                                              cell("x") + "</table:table-row>") * 200 + "</table:table>"))


# --- geodata ----------------------------------------------------------------------------------

def geo_seeds():
    fc = ('{"type":"FeatureCollection","features":['
          '{"type":"Feature","properties":{"name":"เชียงใหม่","pop":12345,"ok":true,"when":"2024-01-31"},'
          '"geometry":{"type":"Point","coordinates":[98.98,18.79]}},'
          '{"type":"Feature","properties":{"name":"ขอนแก่น","pop":null,"tags":["a","b"],"nested":{"k":1}},'
          '"geometry":{"type":"Polygon","coordinates":[[[102,16],[103,16],[103,17],[102,16]]]}},'
          '{"type":"Feature","properties":{},"geometry":null}]}')
    out("geojson", "thai-features.geojson", fc)
    out("geojson", "crs-3857.geojson",
        '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},'
        '"features":[{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point",'
        '"coordinates":[11018000,2125000]}}]}')
    out("geojson", "crs-32647.geojson",
        '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32647"}},'
        '"features":[{"type":"Feature","properties":{"a":1},"geometry":{"type":"LineString",'
        '"coordinates":[[500000,2000000],[600000,2100000]]}}]}')
    out("geojson", "single-geometry.geojson", '{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}')
    out("geojson", "single-feature.geojson",
        '{"type":"Feature","properties":{"x":"y"},"geometry":{"type":"Point","coordinates":[1,2,3]}}')
    out("geojson", "collection.geojson",
        '{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[0,0]},'
        '{"type":"LineString","coordinates":[[0,0],[1e308,-1e308]]}]}')
    out("geojson", "huge-coords.geojson",
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
        '"geometry":{"type":"Point","coordinates":[1e400,-1e400]}}]}')
    out("geojson", "deep-properties.geojson",
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"d":' +
        "[" * 500 + "]" * 500 + '},"geometry":null}]}')
    out("geojson", "many-properties.geojson",
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{' +
        ",".join('"p%d":%d' % (i, i) for i in range(2100)) + '},"geometry":null}]}')
    out("geojson", "mixed-types.geojson",
        '{"type":"FeatureCollection","features":['
        '{"type":"Feature","properties":{"v":1},"geometry":null},'
        '{"type":"Feature","properties":{"v":"text"},"geometry":null},'
        '{"type":"Feature","properties":{"v":2.5,"w":"2024-02-30"},"geometry":null}]}')
    out("geojson", "invalid-utf8.geojson",
        b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"n":"\xff\xfe\xe0\xb8"},'
        b'"geometry":{"type":"Point","coordinates":[1,2]}}]}')
    out("geojson", "truncated.geojson", fc[: len(fc) // 2])
    out("geojson", "empty", b"")
    out("geojson", "crash-invalid-utf8-attribute.geojson",
        b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"n":"\xff"},'
        b'"geometry":null}]}')
    out("geojson", "empty-collection.geojson", '{"type":"FeatureCollection","features":[]}')

    kml_doc = ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
               "<Document><name>โรงเรียน</name><Folder><name>ชั้นหนึ่ง</name>"
               "<Placemark><name>โรงเรียนบ้านดอย</name><description>ชุมชน &amp; วัด</description>"
               "<ExtendedData><Data name=\"students\"><value>120</value></Data></ExtendedData>"
               "<Point><coordinates>98.98,18.79,0</coordinates></Point></Placemark>"
               "<Placemark><name>line</name><LineString><coordinates>100,13 101,14 102,15</coordinates>"
               "</LineString></Placemark>"
               "<Placemark><name>area</name><Polygon><outerBoundaryIs><LinearRing><coordinates>"
               "100,13 101,13 101,14 100,13</coordinates></LinearRing></outerBoundaryIs>"
               "<innerBoundaryIs><LinearRing><coordinates>100.2,13.2 100.4,13.2 100.4,13.4 100.2,13.2"
               "</coordinates></LinearRing></innerBoundaryIs></Polygon></Placemark>"
               "</Folder><Folder><name>สอง</name><Placemark><name>multi</name><MultiGeometry>"
               "<Point><coordinates>1,2</coordinates></Point><Point><coordinates>3,4</coordinates></Point>"
               "</MultiGeometry></Placemark></Folder></Document></kml>")
    out("kml", "thai-folders.kml", kml_doc)
    for name in ("extendeddata.kml", "folder.kml", "time.kml", "region.kml"):
        src = os.path.join("/usr/share/doc/libkml-dev/examples/kml", name)
        if os.path.exists(src) and os.path.getsize(src) < 20000:
            shutil.copy(src, os.path.join(HERE, "kml", name))
    out("kml", "deep-folders.kml",
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>' + "<Folder>" * 300 +
        "<Placemark><Point><coordinates>1,2</coordinates></Point></Placemark>" + "</Folder>" * 300 +
        "</Document></kml>")
    out("kml", "doctype-entities.kml",
        '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&b;</name>'
        "<Point><coordinates>1,2</coordinates></Point></Placemark></kml>")
    out("kml", "external-entity.kml",
        '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&x;</name></Placemark></kml>')
    out("kml", "bad-coordinates.kml",
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><Point><coordinates>'
        "nan,inf,1e400 ,,, 1 2 3</coordinates></Point></Placemark>"
        "<Placemark><LineString><coordinates>1,2</coordinates></LineString></Placemark></kml>")
    out("kml", "cp874-declared.kml",
        ('<?xml version="1.0" encoding="TIS-620"?><kml xmlns="http://www.opengis.net/kml/2.2">'
         "<Placemark><name>โรงเรียน</name><Point><coordinates>1,2</coordinates></Point></Placemark>"
         "</kml>").encode("cp874"))
    out("kml", "network-link.kml",
        '<kml xmlns="http://www.opengis.net/kml/2.2"><NetworkLink><Link><href>http://127.0.0.1/x.kml'
        "</href></Link></NetworkLink></kml>")
    out("kml", "truncated.kml", kml_doc[: len(kml_doc) // 2])
    out("kml", "empty", b"")


# --- zip --------------------------------------------------------------------------------------

def shapefile(n=3):
    """A tiny point Shapefile (.shp, .shx, .dbf, .prj)."""
    recs = []
    for i in range(n):
        recs.append(struct.pack("<idd", 1, 100.0 + i, 13.0 + i))
    shp = io.BytesIO()
    length = 50 + sum(4 + len(r) // 2 for r in recs)
    shp.write(struct.pack(">7i", 9994, 0, 0, 0, 0, 0, length))
    shp.write(struct.pack("<2i4d4d", 1000, 1, 100, 13, 100 + n, 13 + n, 0, 0, 0, 0))
    shx = io.BytesIO()
    shx.write(struct.pack(">7i", 9994, 0, 0, 0, 0, 0, 50 + 4 * n))
    shx.write(struct.pack("<2i4d4d", 1000, 1, 100, 13, 100 + n, 13 + n, 0, 0, 0, 0))
    off = 50
    for i, r in enumerate(recs):
        shp.write(struct.pack(">2i", i + 1, len(r) // 2))
        shp.write(r)
        shx.write(struct.pack(">2i", off, len(r) // 2))
        off += 4 + len(r) // 2
    fields = [(b"NAME", b"C", 20), (b"POP", b"N", 10)]
    dbf = io.BytesIO()
    hlen = 32 + 32 * len(fields) + 1
    rlen = 1 + sum(f[2] for f in fields)
    dbf.write(struct.pack("<4BIHH20x", 3, 124, 1, 31, n, hlen, rlen))
    for name, typ, size in fields:
        dbf.write(struct.pack("<11sc4xBB14x", name, typ, size, 0))
    dbf.write(b"\r")
    names = ["เชียงใหม่".encode("cp874"), b"Khon Kaen", b"x"]
    for i in range(n):
        dbf.write(b" " + names[i % 3].ljust(20)[:20] + str(i * 1000).rjust(10).encode())
    dbf.write(b"\x1a")
    prj = ('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],'
           'PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]]')
    cpg = "874"
    return [("places.shp", shp.getvalue()), ("places.shx", shx.getvalue()),
            ("places.dbf", dbf.getvalue()), ("places.prj", prj), ("places.cpg", cpg)]


def zip_seeds():
    shp = shapefile()
    out("zip", "shapefile.zip", zip_bytes(shp))
    out("zip", "shapefile-in-folder.zip", zip_bytes([("data/" + n, d) for n, d in shp]))
    out("zip", "shapefile-climbs-out.zip", zip_bytes([("../" + n, d) for n, d in shp]))
    out("zip", "shapefile-absolute.zip", zip_bytes([("/tmp/" + n, d) for n, d in shp]))
    out("zip", "shapefile-no-dbf.zip", zip_bytes([e for e in shp if not e[0].endswith(".dbf")]))
    out("zip", "shapefile-no-prj-utm.zip",
        zip_bytes(shp[:3] + [("places.prj", 'PROJCS["WGS_1984_UTM_Zone_47N",GEOGCS["GCS_WGS_1984",'
                              'DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],'
                              'PRIMEM["Greenwich",0],UNIT["Degree",0.0174532925199433]],'
                              'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000],'
                              'PARAMETER["False_Northing",0],PARAMETER["Central_Meridian",99],'
                              'PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0],'
                              'UNIT["Meter",1]]')]))
    out("zip", "shapefile-stored.zip", zip_bytes(shp, zipfile.ZIP_STORED))
    with open(os.path.join(HERE, "xlsx", "thai-shared-dates.xlsx"), "rb") as f:
        workbook = f.read()
    with open(os.path.join(HERE, "ods", "repeated-rows.ods"), "rb") as f:
        spreadsheet = f.read()
    out("zip", "workbook.xlsx", workbook)
    out("zip", "spreadsheet.ods", spreadsheet)
    out("zip", "nested.zip", zip_bytes([("inner.zip", zip_bytes(shp)), ("book.xlsx", workbook)]))
    out("zip", "many-entries.zip", zip_bytes([("f%04d.txt" % i, "") for i in range(1500)]))
    # A small bomb: 96 MiB of one byte deflates to about 95 KiB, past the cap (64 MiB + 200 x the
    # file size).
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="S" r:id="a"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships><Relationship Id="a" Target="s.xml"/></Relationships>')
        z.writestr("xl/s.xml", b"<worksheet><sheetData>" + b" " * (96 << 20) + b"</sheetData></worksheet>")
    out("zip", "bomb.xlsx", bomb.getvalue())
    out("zip", "traversal-names.zip",
        zip_bytes([("../../../etc/passwd", "x"), ("/abs/path.xml", "y"), ("a/../../b.shp", "z"),
                   ("C:\\windows\\x.shp", "w"), ("xl/workbook.xml", "<workbook/>")]))
    # A local header that claims a size the data does not have, and a cut central directory.
    z = bytearray(zip_bytes(shp))
    z[18:22] = struct.pack("<I", 0xFFFFFFF0)
    out("zip", "lying-sizes.zip", bytes(z))
    out("zip", "truncated.zip", zip_bytes(shp)[:300])
    out("zip", "only-signature.zip", b"PK\x03\x04")
    out("zip", "empty-archive.zip", zip_bytes([]))


# --- JSON arrays ------------------------------------------------------------------------------

def json_seeds():
    out("json_source", "thai-records.json",
        '[{"จังหวัด":"เชียงใหม่","ประชากร":12345,"วันที่":"31/01/2567","ok":true},'
        '{"จังหวัด":"ขอนแก่น","ประชากร":"1,234","extra":{"nested":[1,2,{"a":null}]},"ok":false},'
        '{"จังหวัด":null}]')
    out("json_source", "bom-spaces.json", b"\xef\xbb\xbf \n\t[ {\"a\":1} , {\"a\":2}\r\n]")
    out("json_source", "empty-array.json", "[]")
    out("json_source", "not-objects.json", "[1,2,3]")
    out("json_source", "object-not-array.json", '{"a":1}')
    out("json_source", "strings-with-brackets.json",
        '[{"a":"}]{[\\"","b":"\\\\"},{"a":"\\u0e01\\ud800","b":"x"}]')
    out("json_source", "deep.json", "[{\"d\":" + "[" * 600 + "]" * 600 + "}]")
    out("json_source", "deep-objects.json", "[" + '{"a":' * 200 + "1" + "}" * 200 + "]")
    out("json_source", "many-keys.json", "[" + ",".join('{"k%d":%d}' % (i, i) for i in range(3000)) + "]")
    out("json_source", "wide-object.json",
        "[{" + ",".join('"c%d":%d' % (i, i) for i in range(2100)) + "}]")
    out("json_source", "long-value.json", '[{"v":"' + "ก" * 50000 + '"}]')
    out("json_source", "duplicate-keys.json", '[{"a":1,"a":2,"_id":3,"":4," a ":5}]')
    out("json_source", "invalid-utf8.json", b'[{"a":"\xff\xfe","\xc3\x28":1}]')
    out("json_source", "truncated.json", '[{"a":1},{"b":"unterminated')
    out("json_source", "trailing-garbage.json", '[{"a":1}]garbage{')
    out("json_source", "missing-comma.json", '[{"a":1} {"a":2}]')
    out("json_source", "numbers.json", '[{"n":1e999,"m":-0,"i":18446744073709551616,"f":0.1}]')
    out("json_source", "empty", b"")


def main():
    for t in ("csv", "encoding", "xlsx", "ods", "kml", "geojson", "zip", "json_source"):
        os.makedirs(os.path.join(HERE, t), exist_ok=True)
    csv_seeds()
    encoding_seeds()
    xlsx_seeds()
    ods_seeds()
    geo_seeds()
    zip_seeds()
    json_seeds()


if __name__ == "__main__":
    main()
