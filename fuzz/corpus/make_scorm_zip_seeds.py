#!/usr/bin/env python3
"""Writes the seed corpora of the SCORM targets (fuzz/targets/scorm_manifest.cpp and
scorm_zip.cpp) with the standard library only. The outputs are committed; rerun after changing a
seed here:  python3 fuzz/corpus/make_scorm_zip_seeds.py

scorm_manifest/: SCORM 1.2 and 2004 manifests (single and multi SCO, xml:base, passing scores,
sequencing rules, a sub-manifest), Thai titles, and broken ones (DOCTYPE, deep nesting,
duplicates, hrefs that climb out). scorm_zip/: a good package, the demo package's shape in
miniature, zip-slip and absolute names, a symlink, a small bomb, duplicate names, a manifest in
a folder, a missing launch file. Each corpus stays well under 1 MB.
"""
import io
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def out(target, name, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


M12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="M12" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>การใช้งานระบบสารบรรณอิเล็กทรอนิกส์</title>
      <item identifier="I1" identifierref="R1" parameters="?lang=th">
        <title>บทที่ 1</title>
        <adlcp:masteryscore>80</adlcp:masteryscore>
        <adlcp:datafromlms>mode=review</adlcp:datafromlms>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="R1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""

M2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="M2004" version="1" xml:base="pkg/"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>ความปลอดภัยไซเบอร์</title>
      <item identifier="F">
        <title>โมดูล 1</title>
        <item identifier="S1" identifierref="R1">
          <title>รหัสผ่าน</title>
          <adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.8"/>
        </item>
        <item identifier="S2" identifierref="R2">
          <title>ฟิชชิง</title>
          <adlcp:dataFromLMS>x=1</adlcp:dataFromLMS>
          <imsss:sequencing>
            <imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>
            <imsss:objectives>
              <imsss:primaryObjective objectiveID="P" satisfiedByMeasure="true">
                <imsss:minNormalizedMeasure>0.5</imsss:minNormalizedMeasure>
              </imsss:primaryObjective>
            </imsss:objectives>
          </imsss:sequencing>
        </item>
      </item>
    </organization>
  </organizations>
  <resources xml:base="content/">
    <resource identifier="R1" type="webcontent" adlcp:scormType="sco" xml:base="sco1/" href="index.html"/>
    <resource identifier="R2" type="webcontent" adlcp:scormType="sco" href="sco2/start.html?a=1#p"/>
  </resources>
</manifest>
"""


def manifests():
    out("scorm_manifest", "scorm12-single.xml", M12)
    out("scorm_manifest", "scorm2004-multi-xmlbase.xml", M2004)
    out("scorm_manifest", "sequencing-rules.xml", M2004.replace(
        "<imsss:objectives>",
        '<imsss:controlMode choice="false" flow="true"/><imsss:sequencingRules>'
        '<imsss:preConditionRule><imsss:ruleConditions><imsss:ruleCondition condition="satisfied"/>'
        '</imsss:ruleConditions><imsss:ruleAction action="skip"/></imsss:preConditionRule>'
        "</imsss:sequencingRules><imsss:objectives>").replace(
        "</manifest>", '<imsss:sequencingCollection><imsss:sequencing ID="C"/>'
        "</imsss:sequencingCollection></manifest>"))
    out("scorm_manifest", "default-missing-two-orgs.xml", M12.replace(
        'default="ORG"', 'default="NONE"').replace(
        "<organization identifier=\"ORG\">",
        '<organization identifier="EMPTY"><title>ว่าง</title></organization>'
        '<organization identifier="ORG">'))
    out("scorm_manifest", "doctype-entities.xml",
        '<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><manifest>&b;</manifest>')
    out("scorm_manifest", "deep-items.xml", M12.replace(
        '<item identifier="I1"', "".join(f'<item identifier="D{i}">' for i in range(80))
        + '<item identifier="I1"').replace(
        "</item>", "</item>" + "</item>" * 80, 1))
    out("scorm_manifest", "climbing-hrefs.xml", M12.replace(
        'href="index.html">', 'href="%2e%2e/..\\x.html">'))
    out("scorm_manifest", "external-href.xml", M12.replace(
        'href="index.html">', 'href="javascript:alert(1)">'))
    out("scorm_manifest", "duplicate-ids.xml", M12.replace('identifier="R1"', 'identifier="I1"'))
    out("scorm_manifest", "sub-manifest-no-namespace.xml",
        '<manifest identifier="M"><organizations><organization identifier="O">'
        '<item identifier="A" identifierref="SUB"/></organization></organizations>'
        '<resources/><manifest identifier="SUB"><resources><resource identifier="X" '
        'href="x.html"/></resources></manifest></manifest>')
    out("scorm_manifest", "utf16.xml", M12.replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .encode("utf-16"))
    out("scorm_manifest", "truncated.xml", M2004[: len(M2004) // 2])
    out("scorm_manifest", "empty", b"")


def zip_bytes(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name, (2024, 1, 31, 10, 30, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = mode << 16
            z.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


PAGE = '<!doctype html><html lang="th"><title>SCO</title><p>สวัสดี</p></html>'
REG, DIR, LNK = 0o100644, 0o040755, 0o120777


def good(manifest=M12):
    return [("imsmanifest.xml", manifest, REG), ("index.html", PAGE, REG),
            ("css/", "", DIR), ("css/style.css", "body{}", REG)]


def zips():
    out("scorm_zip", "good-12.zip", zip_bytes(good()))
    out("scorm_zip", "good-2004-xmlbase.zip", zip_bytes(
        [("imsmanifest.xml", M2004, REG), ("pkg/content/sco1/index.html", PAGE, REG),
         ("pkg/content/sco2/start.html", PAGE, REG)]))
    out("scorm_zip", "zip-slip.zip", zip_bytes(good() + [("../../evil.html", "x", REG)]))
    out("scorm_zip", "absolute.zip", zip_bytes(good() + [("/tmp/evil.html", "x", REG)]))
    out("scorm_zip", "symlink.zip", zip_bytes(good() + [("css/passwd", "/etc/passwd", LNK)]))
    out("scorm_zip", "bomb.zip", zip_bytes(good() + [("zeros.bin", b"\0" * (6 << 20), REG)]))
    out("scorm_zip", "duplicate.zip", zip_bytes(good() + [("index.html", "again", REG)]))
    out("scorm_zip", "manifest-in-folder.zip",
        zip_bytes([("Course/" + n, d, m) for n, d, m in good()]))
    out("scorm_zip", "missing-launch.zip", zip_bytes(good()[:1]))
    out("scorm_zip", "not-a-zip", "imsmanifest.xml")


if __name__ == "__main__":
    manifests()
    zips()
