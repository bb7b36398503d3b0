"""Printable documents (A4 PDF with fpdf2 and the DejaVu fonts shipped in fonts/, QR codes
with segno): the daftar hadir, the registration desk's poster, the e-certificates."""
