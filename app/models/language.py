"""A post's language, guessed from its text when it is written (for the Translate link)."""

import re

from langdetect import DetectorFactory, LangDetectException, detect

# langdetect is random by default; a fixed seed gives the same answer for the same text.
DetectorFactory.seed = 0


# Han, kana and Hangul: each character counts as much as a word of the scripts spacing theirs.
CJK = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
WORD = re.compile(r"[^\W\d_]+")
# Below this share of the text for one side, a post mixing scripts gets no language.
DOMINANT_SHARE = 0.75


def detect_language(text: str) -> str | None:
    """The post's language, or None when unsure. langdetect reads a post mixing CJK and other
    scripts as whichever it likes (Chinese with a few English words came out English), so the
    script that dominates is picked first and langdetect asked about its part alone."""
    cjk = "".join(CJK.findall(text))
    rest = CJK.sub(" ", text)
    words = len(WORD.findall(rest))
    if cjk and words:
        share = len(cjk) / (len(cjk) + words)
        if share >= DOMINANT_SHARE:
            text = cjk
        elif share <= 1 - DOMINANT_SHARE:
            text = rest
        else:
            return None
    try:
        language = detect(text)
    except LangDetectException:
        return None
    return language[:5]
