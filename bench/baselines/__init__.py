"""What versus is measured against: a raw ASGI ceiling and a straightforward FastAPI app."""
