"""Word documents (.docx) in the layout of an official document, with Chinese fonts that hold.

Word picks the font of Chinese characters from the `w:eastAsia` attribute of `w:rFonts`; python-docx's
`font.name` sets only the Latin ones, and the built-in heading styles name theme fonts that win over both.
So every style used gets an explicit eastAsia font and loses its theme attributes, or Chinese shows in a
fallback font (or as boxes where none is installed). Used by the meeting minutes and the service handbook.
"""

from __future__ import annotations

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_font(style, east_asia: str, *, size: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    style.font.name = LATIN_FONT
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in THEME_ATTRIBUTES:
        rfonts.attrib.pop(qn(attribute), None)
    rfonts.set(qn("w:eastAsia"), east_asia)
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)


def official_styles(document) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = document.styles
    # The document defaults too: any style not set below falls back to them, not to a theme font.
    defaults = styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None
    if default_rpr is not None:
        rfonts = default_rpr.get_or_add_rFonts()
        for attribute in THEME_ATTRIBUTES:
            rfonts.attrib.pop(qn(attribute), None)
        rfonts.set(qn("w:ascii"), LATIN_FONT)
        rfonts.set(qn("w:hAnsi"), LATIN_FONT)
        rfonts.set(qn("w:eastAsia"), BODY_FONT)
        for lang in default_rpr.findall(qn("w:lang")):
            lang.set(qn("w:eastAsia"), "zh-CN")
    set_font(styles["Normal"], BODY_FONT, size=14)
    rpr = styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    set_font(styles["Title"], TITLE_FONT, size=22, bold=False)
    set_font(styles["Heading 1"], HEADING_FONT, size=16, bold=False)
    set_font(styles["Table Grid"], BODY_FONT, size=12)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # The default template draws a rule under the title; an official document has none.
    ppr = styles["Title"].element.pPr
    if ppr is not None:
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)
