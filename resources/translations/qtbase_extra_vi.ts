<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>QPlatformTheme</name>
    <message><source>OK</source><translation>OK</translation></message>
    <message><source>Cancel</source><translation>Hủy</translation></message>
    <message><source>&amp;Yes</source><translation>&amp;Có</translation></message>
    <message><source>&amp;No</source><translation>&amp;Không</translation></message>
    <message><source>Close</source><translation>Đóng</translation></message>
    <message><source>Open</source><translation>Mở</translation></message>
    <message><source>Save</source><translation>Lưu</translation></message>
    <message><source>Apply</source><translation>Áp dụng</translation></message>
    <message><source>Help</source><translation>Trợ giúp</translation></message>
</context>
<context>
    <name>QMessageBox</name>
    <message><source>OK</source><translation>OK</translation></message>
</context>
</TS>
