"""Files: uploads for every module, checked by content, stored under random names.

Owns StoredFile, the per-kind allow-lists and the download view that checks `can_view_file`;
must not own what a file means to a domain (modules attach files and register access rules).
"""
