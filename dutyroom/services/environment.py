"""Environment problems outside the database that the user must fix (a missing font, no printer).

They are UserErrors (Chinese and English, with what to do next), so every page already shows them
as a message; `store.errors.explain` turns them into text for the last-resort error hook too.
"""

from __future__ import annotations

from .errors import UserError


def _aside(detail: str) -> tuple[str, str]:
    """What went wrong, in brackets after the message (Chinese, English); nothing when there is no detail."""
    return (f"（{detail}）", f" ({detail})") if detail else ("", "")


class FontMissing(UserError):
    def __init__(self, detail: str = ""):
        extra_zh, extra_en = _aside(detail)
        super().__init__(
            f"未找到中文字体{extra_zh}，界面或打印的中文可能无法显示。请安装中文字体（Windows 自带“微软雅黑”“宋体”；"
            "Linux 可安装 fonts-wqy-microhei 或 fonts-arphic-uming），然后重新启动程序。已保存的数据不受影响。",
            f"No Chinese font found{extra_en}; Chinese text may not display or print. Install a Chinese font "
            "(Microsoft YaHei or SimSun on Windows; fonts-wqy-microhei or fonts-arphic-uming on Linux) and restart. "
            "Saved data is not affected.")


class PrinterMissing(UserError):
    def __init__(self, detail: str = ""):
        extra_zh, extra_en = _aside(detail)
        super().__init__(
            f"没有可用的打印机{extra_zh}。请检查打印机已开机、已连接并在系统中安装了驱动；也可以先导出 PDF，"
            "在能打印的电脑上打印。已保存的数据不受影响。",
            f"No printer is available{extra_en}. Check that the printer is on, connected and installed in the "
            "system, or export a PDF and print it elsewhere. Saved data is not affected.")
