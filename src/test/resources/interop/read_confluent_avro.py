"""Reads one Confluent-framed Avro record with independent clients and prints it as JSON.

Usage: read_confluent_avro.py REGISTRY_URL RECORD_FILE

The schema is fetched from the registry with confluent-kafka's SchemaRegistryClient by the id in the
5-byte header; the body is decoded with the Apache Avro Python library. Bytes are printed as hex and
timestamps in ISO 8601, so the output is plain JSON.
"""
import datetime
import io
import json
import struct
import sys

import avro.io
import avro.schema
from confluent_kafka.schema_registry import SchemaRegistryClient


def plain(value):
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def main(url, path):
    with open(path, "rb") as f:
        data = f.read()
    magic, schema_id = struct.unpack(">bI", data[:5])
    if magic != 0:
        raise SystemExit("not Confluent wire format: magic byte %d" % magic)
    registered = SchemaRegistryClient({"url": url}).get_schema(schema_id)
    schema = avro.schema.parse(registered.schema_str)
    decoder = avro.io.BinaryDecoder(io.BytesIO(data[5:]))
    record = avro.io.DatumReader(schema).read(decoder)
    print(json.dumps({"schemaId": schema_id, "schemaName": schema.fullname, "record": plain(record)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
