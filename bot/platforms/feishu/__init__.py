"""Feishu/Lark: webhook or long connection in, open-API sender out."""
