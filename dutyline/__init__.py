"""dutyline: the SEND duty line desk app.

Imports nothing on purpose, so `import dutyline.domain` stays cheap and free of UI or database code.
"""

__version__ = "0.1.0"
