"""Names across scripts: Arabic normalisation and the Latin name key (docs/domain.md "Names across scripts").

The same person is registered as "محمد حسن" at one desk and as "Mohamed Hassan", "Mohammed Hasan" or
"Muhammad Hassan" at another, from a passport. Two things make these comparable:

- ``normalise_arabic`` folds the spellings of one Arabic word into one: the alef and hamza forms
  (أ إ آ ٱ -> ا, ؤ -> و, ئ -> ي), taa marbuta (ة -> ه), alef maqsura (ى -> ي); diacritics (harakat,
  shadda, sukun, dagger alef) and tatweel are removed. ``validators.normalise_name`` applies it, so an
  Arabic search finds the Arabic name however it was vowelled or spelt.
- ``name_key`` writes a name of either script in one small Latin alphabet of its consonants: Arabic
  through a table of its letters, Latin through a folding of the variants transliterations produce
  (Mohamed/Mohammed/Muhammad, Hassan/Hasan, ou/u, kh, sh/ch, q/k, j/g/dj, el-/al-, Abdel/Abdul,
  doubled letters, a final h). "محمد حسن" and "Mohamed Hassan" both give "mhmd hsn". Written vowels
  are dropped, since Arabic does not write short vowels and Latin spellings differ mostly there; a
  vowel that begins a word is kept as "a" (Omar/Umar/عمر -> "amr").

No library is used: the PyPI transliterators (Unidecode, anyascii, camel-tools' schemes) give one
Latin spelling per Arabic letter, which still differs from how a passport spells the name
("Mohamed" against "mhmd"); the folding to consonants is what makes the two meet, and it is small
enough to keep here, tested on the name pairs of caseload/tests/data/arabic_latin_names.csv.
"""

from __future__ import annotations

import re
import unicodedata

# --- Arabic normalisation ----------------------------------------------------------------------------------
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",  # Persian yeh, as typed on some keyboards
        "ک": "ك",  # Persian kaf
        "ـ": None,  # tatweel
    }
)
# Harakat, tanwin, shadda, sukun, the dagger alef and the Quranic marks.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def has_arabic(value: str) -> bool:
    return bool(_ARABIC_LETTER.search(value or ""))


def normalise_arabic(value: str) -> str:
    """ "أَحْمَد" -> "احمد", "فاطمة" -> "فاطمه", "مـصـطـفـى" -> "مصطفي"; other scripts are left as they are."""
    return _ARABIC_MARKS.sub("", value or "").translate(_ARABIC_FOLD)


# --- Phonemes -------------------------------------------------------------------------------------------------
# Both scripts are first written as a string of phoneme symbols: consonants as lower-case letters
# (c: sh, x: kh, g: gh, j: j/g/dj), "y" and "w" (consonants at the start of a word, vowels after it)
# and "V" for any vowel.
_VOWEL = "V"
_SEMIVOWELS = "yw"

# Arabic letters after normalise_arabic. ث and ذ are written "th" and "dh", as Latin writes them.
_ARABIC = {
    "ا": "V",
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "j",
    "ح": "h",
    "خ": "x",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "c",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "ع": "V",
    "غ": "g",
    "ف": "f",
    "ق": "k",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "و": "w",
    "ي": "y",
    "ء": "V",
    "پ": "b",
    "چ": "c",
    "ژ": "j",
    "گ": "j",
}

# Latin letters and digraphs, longest first. "th" and "dh" stay two letters (Fathi, Adham).
_LATIN = {
    "sch": "c",
    "dsh": "j",
    "sh": "c",
    "ch": "c",
    "kh": "x",
    "gh": "g",
    "ph": "f",
    "dj": "j",
    "dz": "j",
    "zh": "j",
    "ck": "k",
    "q": "k",
    "c": "k",
    "k": "k",
    "g": "j",
    "j": "j",
    "p": "b",
    "v": "f",
    "x": "ks",
    "a": "V",
    "e": "V",
    "i": "V",
    "o": "V",
    "u": "V",
    "y": "y",
    "w": "w",
}
_LATIN_RE = re.compile("|".join(sorted(_LATIN, key=len, reverse=True)) + "|[a-z]")
_SUN = "tdrszncl"  # the letters the article assimilates to: Abderrahmane, Nour Eddine, Essayed


_NOT_ARTICLE = {"الاء", "الياس"}  # Alaa, Elias: the ال is part of the name


def _phonemes(word: str) -> str:
    if has_arabic(word):
        # In Arabic script the article is always written ال and joined: العزيز, الرحمن, العمري.
        if word.startswith("ال") and len(word) > 3 and word not in _NOT_ARTICLE:
            word = word[2:]
        return "".join(_ARABIC.get(ch, "") for ch in word)
    word = re.sub(r"c(?=[eiy])", "s", word)  # Youcef, Cherif keeps its ch
    return "".join(_LATIN.get(m, m) for m in _LATIN_RE.findall(word))


def _strip_article(ph: str, *, assimilated: bool) -> str:
    """Drop a leading article: al-/el-/ul- (and ال) before a consonant; with ``assimilated``, also the
    vowel of an article assimilated to a doubled sun letter (Eddine -> ddine)."""
    if len(ph) > 3 and ph[0] == _VOWEL and ph[1] == "l" and ph[2] not in (_VOWEL,) and _consonants(ph[2:]) >= 1:
        return ph[2:]
    if assimilated and len(ph) > 3 and ph[0] == _VOWEL and ph[1] in _SUN and ph[2] == ph[1]:
        return ph[1:]
    return ph


def _consonants(ph: str) -> int:
    return sum(1 for ch in ph if ch not in _VOWEL + _SEMIVOWELS)


def _is_article(ph: str) -> bool:
    return len(ph) == 2 and ph[0] == _VOWEL and ph[1] in _SUN or ph in ("Vc", "Vcc")


def _word_key(ph: str, *, initial: bool = True) -> str:
    # Doubled letters are written once (Mohammed, Hassan, Youssef).
    ph = re.sub(r"([^V])\1+", r"\1", ph)
    # A final h is dropped when enough is left (Fatimah/فاطمه, Saleh/صالح; not Taha/طه).
    if ph.endswith("h") and len(_kept(ph[:-1], initial=initial)) >= 2:
        ph = ph[:-1]
    return _kept(ph, initial=initial)


def _kept(ph: str, *, initial: bool) -> str:
    if not ph:
        return ""
    head, rest = (ph[0], ph[1:]) if initial else ("", ph)
    head = "a" if head == _VOWEL else head
    return head + "".join(ch for ch in rest if ch not in _VOWEL + _SEMIVOWELS)


def _split(value: str) -> list[str]:
    value = normalise_arabic(value)
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch) or has_arabic(ch))
    return [w for w in re.split(r"[^a-z\u0600-\u06ff]+", stripped.casefold()) if w]


_ABD = re.compile(r"^Vbd")  # عبد, Abd, Abdel, Abdul, Abdou...
_BIN = ("bn", "bVn", "Vbn", "VbVn", "bnt", "bVnt")  # بن, Ben, Bin, Ibn, بنت, Bint
_ABU = ("Vbw", "VbV", "VbVV", "Vb")  # ابو, Abu, Abou, Abo


def name_key(value: str) -> str:
    """The name in consonants of one Latin alphabet, whatever its script: "محمد حسن", "Mohamed Hassan"
    and "Muhammad Hasan" -> "mhmd hsn"; "عبد الرحمن" and "Abderrahmane" -> "abdrhmn"."""
    words = [_phonemes(w) for w in _split(value)]
    words = [w for w in words if w]
    # Standalone articles before a word: "El Sayed", "al-Masri".
    words = [w for i, w in enumerate(words) if not (_is_article(w) and i + 1 < len(words))]
    keys: list[str] = []
    i = 0
    while i < len(words):
        ph = _strip_article(words[i], assimilated=bool(keys))
        if _ABD.match(ph) and re.fullmatch("V*l?V*", ph[3:]) and i + 1 < len(words):
            # Abdel Kader, Abdul Rahman, Abd Allah, Abu Bakr: one name written in two words.
            i += 1
            keys.append("abd" + _continuation(_strip_article(words[i], assimilated=True)))
        elif _ABD.match(ph):
            # Abdelkader, Abdullah, Abderrahmane, عبدالله: the article after Abd.
            rest = _strip_article(ph[3:], assimilated=True)
            if rest[:1] == _VOWEL and rest[1:2] == "l" and len(rest) > 2:
                rest = rest[2:]
            keys.append("abd" + _continuation(rest))
        elif ph in _BIN and i + 1 < len(words):
            # Ben Ali, Bin Salem, بن علي: written as one word too (Benali, Bensalem).
            i += 1
            keys.append(_word_key("bVn" + words[i]))
        elif ph in _ABU and i + 1 < len(words):
            i += 1
            keys.append("ab" + _continuation(_strip_article(words[i], assimilated=True)))
        elif keys and _word_key(ph) == "dn":
            # Nour al-Din, Nour Eddine, Noureddine: the second part belongs to the first.
            keys[-1] += "dn"
        else:
            keys.append(_word_key(ph))
        i += 1
    return " ".join(k for k in keys if k)


def _continuation(ph: str) -> str:
    key = _word_key(ph, initial=False)
    return "lh" if key in ("l", "lh") else key  # Allah: Abdallah, Abdulla, عبدالله


def trigrams(value: str) -> set[str]:
    """The trigrams pg_trgm takes from a string: each word padded with two spaces before, one after."""
    grams: set[str] = set()
    for word in re.findall(r"[a-z0-9]+", value.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(), for the databases without it (the SQLite fallback)."""
    ta, tb = trigrams(a), trigrams(b)
    union = ta | tb
    return len(ta & tb) / len(union) if union else 0.0
