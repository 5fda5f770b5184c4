-- params:
SELECT toUInt8(1)
