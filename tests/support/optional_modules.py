"""The test scripts' third-party modules come from Debian packages. On a machine without one, a
test skips itself (exit 77, which CTest reports as skipped) and says what to install, so the rest of
the suite still runs."""
import importlib
import sys


def require(*modules):
    missing = []
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        print(f"skipped: the Python module(s) {', '.join(missing)} are not installed for {sys.executable} "
              "(bash scripts/install-deps.sh installs them)")
        sys.exit(77)
