"""Make the shipped document font: Noto Serif CJK SC (Debian `fonts-noto-cjk`), cut to the
GB 2312 character set plus ASCII, so that PDFs print on a machine without CJK fonts.

    pip install fonttools && python3 make-subset.py

The font stays under the SIL Open Font License 1.1 (OFL.txt beside it).
"""

import subprocess

SOURCE = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
FACE = 2  # Noto Serif CJK SC in the collection

chars = {chr(c) for c in range(0x20, 0x7F)}
for b1 in range(0xA1, 0xF8):
    for b2 in range(0xA1, 0xFF):
        try:
            chars.add(bytes([b1, b2]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
chars |= set("　〇〔〕﹝﹞·×÷℃￥㎡")
with open("/tmp/xiezhi-gb2312.txt", "w", encoding="utf-8") as f:
    f.write("".join(sorted(chars)))
subprocess.run(
    [
        "pyftsubset", SOURCE, f"--font-number={FACE}",
        "--text-file=/tmp/xiezhi-gb2312.txt",
        "--output-file=NotoSerifCJKsc-GB2312.otf",
        "--layout-features=*", "--no-hinting", "--name-IDs=*", "--name-languages=*",
    ],
    check=True,
)
