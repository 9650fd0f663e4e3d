"""Child: a NumberBox whose suffix is itself a unit (' 位', ' 人'); typed digits, a typed unit and full-width
digits. Prints the values it read; a crash shows as a negative return code in the parent."""

import sys

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from dutyroom.ui.number_box import NumberBox

app = QApplication(sys.argv[:1])
for suffix in (" 位", " 人", "人次"):
    box = NumberBox(suffix=suffix)
    box.setRange(0, 999)
    box.show()
    box.lineEdit().selectAll()
    QTest.keyClicks(box, "12")
    typed = box.value()
    box.lineEdit().setText("３" + suffix)
    box.interpretText()
    print(suffix.strip(), typed, box.value(), box.text(), flush=True)
