from __future__ import annotations


class ConflictError(Exception):
    """Someone else saved the record after this user opened it."""

    def __init__(self, *, changed: dict[str, tuple[object, object]], current_version: int):
        self.changed = changed  # field -> (value when the user opened it, value now)
        self.current_version = current_version
        fields = ", ".join(changed) or "the record"
        super().__init__(f"Someone else changed {fields} while you were editing")
