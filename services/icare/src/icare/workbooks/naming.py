"""File names of an export: they sort in upload order (Client Profile first)."""

from __future__ import annotations

import re

from reference.icare import Template, catalog

__all__ = ["file_name"]

_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def file_name(template: Template, agency_code: str, period: str, part: int, parts: int) -> str:
    """`<agency>_<period>_<n>-<template>[_part<i>of<k>].xlsx`, e.g.

    ACME_2026-10_1-client_profile.xlsx, ACME_2026-10_3-information_orientation_part2of3.xlsx

    `n` is the template's place in iCARE's upload order, so a sorted listing is the order
    to upload in (a rejected client fails every service record of that client).
    """
    for what, value in (("agency code", agency_code), ("period", period)):
        if not _SAFE.fullmatch(value) or ".." in value:
            raise ValueError(
                f"{what} {value!r} cannot go into a file name: letters, digits, '.', '_', '-'"
            )
    if not 1 <= part <= parts:
        raise ValueError(f"part {part} of {parts}: parts are numbered 1..{parts}")
    order = catalog.names().index(template.name) + 1
    suffix = f"_part{part}of{parts}" if parts > 1 else ""
    return f"{agency_code}_{period}_{order}-{template.name}{suffix}.xlsx"
