"""Documents: files published by stable QR codes, and the printable QR sheet."""
