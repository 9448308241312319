"""PDF rendering on a machine without the optional HarfBuzz-Subset library: same documents, no warning printed."""

import subprocess
import sys
import textwrap

from django.conf import settings

# In a fresh interpreter (WeasyPrint is loaded once per process): the library is made unloadable, warnings are
# errors, and every log record of WeasyPrint is printed; the script renders a PDF with accents and prints its size.
SCRIPT = textwrap.dedent(
    """
    import logging, sys, warnings
    import cffi

    real_dlopen = cffi.FFI.dlopen

    def dlopen(self, name, *args, **kwargs):
        if "subset" in str(name):
            raise OSError("absent")
        return real_dlopen(self, name, *args, **kwargs)

    cffi.FFI.dlopen = dlopen
    warnings.simplefilter("error")
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)

    import django
    django.setup()
    from habiter.core.pdf import _html_class

    HTML = _html_class()
    from weasyprint.text import ffi

    assert ffi.harfbuzz_subset is None, "the library is still loaded"
    html = "<h1>Élodie Aït-Saïd</h1><p>— « reçu » 1 234,56 €</p><p style='font-family: serif'>Serif</p>"
    data = HTML(string=html).write_pdf()
    assert data.startswith(b"%PDF"), data[:10]
    print(len(data))
    """
)


def test_without_harfbuzz_subset_a_pdf_is_rendered_without_any_warning(tmp_path):
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "habiter.settings.test", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert int(result.stdout) > 1000
