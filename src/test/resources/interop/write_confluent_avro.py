"""Writes one ImageCaptured record in the Confluent wire format with independent clients.

Usage: write_confluent_avro.py REGISTRY_URL SUBJECT SCHEMA_FILE OUT_FILE

The schema is registered with confluent-kafka's SchemaRegistryClient; the record is encoded with the
Apache Avro Python library and framed by hand: struct.pack('>bI', 0, id) + Avro binary. Prints the id.
"""
import datetime
import io
import struct
import sys

import avro.io
import avro.schema
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient


RECORD = {
    "imageId": "from-python-0001",
    "lineId": "line-py",
    "scannerId": "scanner-py",
    "capturedAt": datetime.datetime(2026, 2, 3, 4, 5, 6, 789000, tzinfo=datetime.timezone.utc),
    "caption": "Thangka of Tārā (སྒྲོལ་མ།) seated on a lotus, written by Python",
    "image": {"uri": "file:///scans/from-python-0001.tif", "sizeBytes": 123456789, "sha256": None},
    "contentType": "image/tiff",
    "groundTruthMask": b"\x89PNG-not-really",
    "metadata": {"client": "python3-confluent-kafka"},
}


def main(url, subject, schema_file, out_file):
    with open(schema_file, encoding="utf-8") as f:
        schema_str = f.read()
    schema_id = SchemaRegistryClient({"url": url}).register_schema(subject, Schema(schema_str, "AVRO"))
    body = io.BytesIO()
    avro.io.DatumWriter(avro.schema.parse(schema_str)).write(RECORD, avro.io.BinaryEncoder(body))
    with open(out_file, "wb") as f:
        f.write(struct.pack(">bI", 0, schema_id) + body.getvalue())
    print(schema_id)


if __name__ == "__main__":
    main(*sys.argv[1:5])
