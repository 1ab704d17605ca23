"""How IRCC's templates look: the formats of the title, field-id, label and data cells.

Read off the 2018 templates (fonts, fills, borders, row heights); column widths are not
in the template description, so they follow the label's length as IRCC's roughly do.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "DATA",
    "FIELD_ID",
    "LABEL_OPTIONAL",
    "LABEL_REQUIRED",
    "LABEL_ROW_HEIGHT",
    "LOV_WIDTH",
    "OPTIONAL_COLOUR",
    "REQUIRED_COLOUR",
    "TEXT_FORMAT",
    "TITLE",
    "TITLE_ROW_HEIGHT",
    "column_width",
]

REQUIRED_COLOUR = "#FFA500"  # orange label text: "Mandatory=true;" in the LOV sheet
OPTIONAL_COLOUR = "#FFFFFF"
TEXT_FORMAT = "@"  # every data cell: iCARE reads text, Excel must not turn 0123 into 123

_FONT = {"font_name": "Calibri", "font_size": 11, "font_color": "#000000"}

TITLE: dict[str, Any] = {
    **_FONT,
    "font_size": 18,
    "bold": True,
    "font_color": "#FFFFFF",
    "pattern": 1,
    "bg_color": "#A9A9A9",
    "text_wrap": True,
    "align": "left",
}
FIELD_ID: dict[str, Any] = {**_FONT, "align": "left"}
_LABEL: dict[str, Any] = {
    **_FONT,
    "bold": True,
    "pattern": 1,
    "bg_color": "#0000FF",
    "border": 1,  # thin, all four sides
    "border_color": "#000000",
    "align": "left",
}
LABEL_REQUIRED: dict[str, Any] = {**_LABEL, "font_color": REQUIRED_COLOUR}
LABEL_OPTIONAL: dict[str, Any] = {**_LABEL, "font_color": OPTIONAL_COLOUR}
DATA: dict[str, Any] = {
    **_FONT,
    "num_format": TEXT_FORMAT,
    "text_wrap": True,
    "align": "left",
    "valign": "top",
}

TITLE_ROW_HEIGHT = 99.95  # three lines of 18 pt
LABEL_ROW_HEIGHT = 15.6
LOV_WIDTH = 18.4


def column_width(label: str) -> float:
    """A column wide enough for its bold label on one line, within reason."""
    return round(min(90.0, max(16.0, 0.9 * len(label) + 3.0)), 2)
