"""Printing guard: before a print dialog opens, check that the system has a printer at all, and say
what to do if not (PrinterMissing, a UserError the page shows as a message)."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrinterInfo

from ..services.environment import PrinterMissing


def check_printer() -> QPrinterInfo:
    """The default printer (or the first one); PrinterMissing when the system has none."""
    printers = QPrinterInfo.availablePrinters()
    if not printers:
        raise PrinterMissing()
    default = QPrinterInfo.defaultPrinter()
    return default if not default.isNull() else printers[0]
