"""Issue 15: what a codec keeps in the file but cannot import is reported as a warning."""

from __future__ import annotations

import pytest

from entri.formats import get_format

CASES = {
    "android-xml-nameless": (
        "android-xml",
        '<resources>\n<string>x</string>\n<string name="a">A</string>\n</resources>',
        "string resource element without a name (first at line 2)",
    ),
    "android-xml-not-a-string": (
        "android-xml",
        '<resources><string name="a">A</string><integer name="n">5</integer></resources>',
        "1 resource(s) that are not strings (<integer>)",
    ),
    "xliff-unit-without-id": (
        "xliff",
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en" '
        'target-language="fr" datatype="plaintext" original="x"><body>\n<trans-unit><source>A</source>'
        '</trans-unit><trans-unit id="b"><source>B</source></trans-unit></body></file></xliff>',
        "<trans-unit> element without id or resname (first at line 2)",
    ),
    "xliff2-unit-without-id": (
        "xliff2",
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">'
        '<file id="f"><unit><segment><source>A</source></segment></unit></file></xliff>',
        "<unit> element without id or name",
    ),
    "stringsdict-other-rule": (
        "ios-stringsdict",
        '<plist version="1.0"><dict><key>a</key><dict><key>NSStringLocalizedFormatKey</key><string>x</string>'
        "<key>v</key><dict><key>NSStringFormatSpecTypeKey</key><string>NSStringDeviceSpecificRuleType</string>"
        "</dict></dict></dict></plist>",
        "1 key(s) without a plural rule Entri can edit ('a')",
    ),
    "po-extra-plural-forms": (
        "po",
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] "y"\nmsgstr[2] "z"\n',
        "1 message(s) have more msgstr[n] forms than the Plural-Forms header allows",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_kept_but_not_imported_is_a_warning(case: str) -> None:
    format_id, content, warning = CASES[case]
    codec = get_format(format_id).codec()
    catalog = codec.parse(content.encode(), "fr")
    assert any(warning in w for w in catalog.warnings), catalog.warnings
    assert codec.render(catalog) == content.encode()  # and it stays in the file
