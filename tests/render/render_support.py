"""A hostile article: markup, attribute injection and tag breakouts in text, spans and metadata."""

from __future__ import annotations

from spinscope.document import Document

HOSTILE_TEXT = (
    "Council <script>window.__pwned = 1</script> approves plan\n"
    "\n"
    'The disgraceful " onmouseover="window.__pwned = 2" x=" vote passed after a long night.\n'
    'Critics wrote </style><b id="injected-b">bold</b> and </script>'
    '<img id="injected-img" src=x onerror="window.__pwned = 3"> in the margins.\n'
    '“</textarea><iframe id="injected-iframe" src="javascript:window.__pwned=4"></iframe>”, '
    "reads the statement. A \u2028 line separator and &amp; entity &lt;b&gt; stay text.\n"
)

HOSTILE_PHRASES = [
    ("<script>window.__pwned = 1</script>", "Loaded_Language", 0.9),
    ('disgraceful " onmouseover="window.__pwned = 2" x="', "Name_Calling-Labeling", 0.8),
    ('</style><b id="injected-b">bold</b>', "Doubt", 0.7),
    ('<img id="injected-img" src=x onerror="window.__pwned = 3">', "Slogans", 0.6),
    ("<iframe", "Appeal_to_Fear-Prejudice", 0.5),
]

HOSTILE_DOC = Document(
    "<svg onload=alert(1)>",
    HOSTILE_TEXT,
    {
        "title": "</title><script>window.__pwned = 5</script>",
        "source": '"><script>window.__pwned = 6</script>',
        "author": "<b>Mallory</b>",
    },
)
