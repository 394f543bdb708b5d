"""Input field types shared by the command inputs: bounded ids, counts, texts and choices.

Bounds are part of the type, so a huge integer, a negative offset or a 10 MB string is a clear
422 from validation on every transport, never a database error.
"""

from typing import Annotated, Literal  # noqa: F401  (Literal re-exported for inputs)

from pydantic import Field, StrictBool, StrictInt  # noqa: F401

Id = Annotated[int, Field(ge=1, le=2**53)]
Offset = Annotated[int, Field(ge=0, le=10_000_000)]
Limit = Annotated[int, Field(ge=1, le=500)]
Seconds = Annotated[int, Field(ge=-86_400, le=86_400)]
Name = Annotated[str, Field(min_length=1, max_length=256)]
ShortText = Annotated[str, Field(max_length=500)]
LongText = Annotated[str, Field(max_length=5_000)]
Slug = Annotated[str, Field(min_length=1, max_length=64)]
