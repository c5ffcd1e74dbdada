"""Saves a workbook from LibreOffice itself (through its UNO bridge) in the
forms `soffice --convert-to` cannot write: with a password, as .xls, as
.xlsm. Used by scripts/make-program-fixtures.sh; needs python3-uno (run
with the system python3).

    /usr/bin/python3 scripts/lo-save-as.py SOURCE.xlsx OUTDIR PROFILE_DIR
"""
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def pv(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


src, outdir, profile = sys.argv[1:4]
proc = subprocess.Popen(
    ["soffice", "--headless", "--invisible", f"-env:UserInstallation=file://{profile}",
     "--accept=pipe,name=boardpackfixtures;urp;"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    ctx = uno.getComponentContext()
    resolver = ctx.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", ctx)
    for _ in range(120):
        try:
            remote = resolver.resolve("uno:pipe,name=boardpackfixtures;urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(0.5)
    desktop = remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0,
                                       (pv("Hidden", True),))
    url = lambda name: uno.systemPathToFileUrl(os.path.abspath(os.path.join(outdir, name)))
    # File > Save As, "Save with password" ticked.
    doc.storeToURL(url("password.lo.ods"), (pv("FilterName", "calc8"), pv("Password", "secret")))
    doc.storeToURL(url("sample.lo.xls"), (pv("FilterName", "MS Excel 97"),))
    doc.storeToURL(url("sample.lo.xlsm"), (pv("FilterName", "Calc MS Excel 2007 VBA XML"),))
    doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass
    proc.wait(timeout=60)
finally:
    if proc.poll() is None:
        proc.kill()
