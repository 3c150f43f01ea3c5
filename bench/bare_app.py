"""The yardstick for bench/intake.py: a Flask endpoint that reads the body and answers like
the bridge endpoint, doing nothing else (run under the same gunicorn settings)."""

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/api/messages")
def receive_message():
    request.get_data()
    return jsonify({"accepted": True, "msg_id": "bare", "duplicate": False})
