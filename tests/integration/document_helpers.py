"""Generated PDFs as a person reads them: the words (pdftotext), and the first page as a PNG kept
in tests/artifacts/ to look at."""
import os
import re
import subprocess
import tempfile

ARTIFACTS = os.path.join(os.environ.get("GOVHUB_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")),
                         "tests", "artifacts")


def pdf_words(body, keep_as=None):
    """The PDF's text as squeeze() leaves it (pdftotext spaces out and moves Thai marks, and
    splits lines);
    with `keep_as`, its first page is also written to tests/artifacts/<keep_as>.png."""
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as f:
        f.write(body)
    try:
        words = subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"], capture_output=True,
                               text=True, check=True).stdout
        if keep_as:
            os.makedirs(ARTIFACTS, exist_ok=True)
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", f.name,
                            os.path.join(ARTIFACTS, keep_as)], check=True)
    finally:
        os.unlink(f.name)
    return squeeze(words)


# Thai vowel and tone marks above and below the line: pdftotext may put them after the next
# letter ("ครั้ง" comes out as "ครัง้"), so words are compared without them.
_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def squeeze(text):
    """`text` without white space or Thai marks, as pdf_words returns it."""
    return _MARKS.sub("", re.sub(r"\s+", "", text))
