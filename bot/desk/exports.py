"""Tables to Excel (openpyxl) and CSV (UTF-8 with BOM, so Excel opens Chinese text correctly)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from domain.desk_tables import Table

SHEET_TITLE_MAX = 31  # Excel's limit on sheet names


def xlsx_bytes(tables: list[Table], heading: str) -> bytes:
    """One sheet per table, the heading (scope and period) in the first row."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.title.replace("×", "x")[:SHEET_TITLE_MAX])
        sheet.append([f"{heading} {table.title}"])
        sheet["A1"].font = Font(bold=True)
        sheet.append(table.columns)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
        sheet.column_dimensions["A"].width = 24
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(tables: list[Table], heading: str) -> str:
    """The tables one after another, each under its title, separated by a blank line."""
    out = io.StringIO()
    writer = csv.writer(out)
    for i, table in enumerate(tables):
        if i:
            writer.writerow([])
        writer.writerow([f"{heading} {table.title}"])
        writer.writerow(table.columns)
        writer.writerows(["" if v is None else v for v in row] for row in table.rows)
    return "\ufeff" + out.getvalue()
