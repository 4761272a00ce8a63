"""README.md from nbs/index.ipynb without Quarto (nbdev_readme needs Quarto, which some machines lack).

`python tools/make_readme.py` writes README.md; `--check` fails if README.md is out of date."""
import json, sys
from pathlib import Path
root = Path(__file__).resolve().parent.parent
nb = json.loads((root/'nbs'/'index.ipynb').read_text())
parts = []
for c in nb['cells']:
    src = ''.join(c['source']).strip()
    if not src or src.startswith('#| hide'): continue
    if c['cell_type'] == 'markdown': parts.append(src)
    elif c['cell_type'] == 'code':
        parts.append('```python\n' + src + '\n```')
        for o in c.get('outputs', []):
            txt = ''.join(o.get('text', '') or o.get('data', {}).get('text/plain', ''))
            if txt.strip(): parts.append('    ' + txt.strip().replace('\n', '\n    '))
text = '\n\n'.join(parts) + '\n'
import re  # images on the home page are relative to nbs/; README.md sits one level up
text = re.sub(r'(!\[[^\]]*\]\()(?!https?:|/|#)', r'\1nbs/', text)
text = text.replace('# graphgan_nb\n\n> ', '# graphgan_nb\n\n> ', 1)
readme = root/'README.md'
if '--check' in sys.argv:
    if not readme.exists() or readme.read_text() != text:
        sys.exit('README.md is out of date with nbs/index.ipynb: run python tools/make_readme.py')
else: readme.write_text(text); print('wrote', readme)
