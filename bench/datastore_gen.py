#!/usr/bin/python3
"""Writes a CSV of N rows (mixed types, Thai text) for bench/datastore.sh: an id, a province,
a district, a Buddhist-era date, an amount, a count, a yes/no flag and a Thai note."""
import random
import sys

path, rows = sys.argv[1], int(sys.argv[2])
rng = random.Random(2569)
provinces = ["กรุงเทพมหานคร", "เชียงใหม่", "ขอนแก่น", "สงขลา", "ภูเก็ต", "นครราชสีมา", "อุบลราชธานี",
             "ชลบุรี", "พิษณุโลก", "สุราษฎร์ธานี", "ลำปาง", "น่าน", "ตรัง", "ระยอง", "อุดรธานี"]
districts = ["เมือง", "บางพลี", "สันทราย", "หาดใหญ่", "กะทู้", "ปากช่อง", "วารินชำราบ", "ศรีราชา",
             "วังทอง", "เกาะสมุย", "เกาะคา", "ปัว", "กันตัง", "แกลง", "กุมภวาปี"]
words = ["โครงการ", "พัฒนา", "ชุมชน", "ถนน", "ซ่อมแซม", "ก่อสร้าง", "ระบบประปา", "โรงเรียน", "สาธารณสุข",
         "การเกษตร", "ชลประทาน", "ไฟฟ้า", "อบรม", "ส่งเสริม", "อาชีพ", "ผู้สูงอายุ", "เยาวชน", "ท่องเที่ยว"]
with open(path, "w", encoding="utf-8", newline="") as f:
    f.write("รหัส,จังหวัด,อำเภอ,วันที่อนุมัติ,งบประมาณ (บาท),ผู้รับประโยชน์,แล้วเสร็จ,รายละเอียด\n")
    for i in range(1, rows + 1):
        note = " ".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
        f.write("%d,%s,%s,%02d/%02d/%d,%.2f,%d,%s,%s\n" % (
            i, rng.choice(provinces), rng.choice(districts), rng.randint(1, 28), rng.randint(1, 12),
            rng.randint(2560, 2568), rng.uniform(1000, 5000000), rng.randint(1, 20000),
            "ใช่" if rng.random() < 0.6 else "ไม่ใช่", note))
