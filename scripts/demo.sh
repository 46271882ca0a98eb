#!/bin/sh
# The README's first command after the build: generates realistic demo data
# (seed scale: 64 blocs, ~25,000 cells, 330,000 members), loads it, shows a
# summary, and starts the server with a demo login.
set -e
cd "$(dirname "$0")/.."
DB=${HOSO_DB:-demo/hoso.db}
SCALE=${DEMO_SCALE:-seed}
LISTEN=${HOSO_LISTEN:-127.0.0.1:8080}
mkdir -p demo
if [ ! -f "$DB" ]; then
    echo "== Sinh dữ liệu mẫu ($SCALE) / generating demo data"
    ./hoso generate --scale "$SCALE" --seed 2025 --out "demo/$SCALE"
    echo "== Nhập vào kho $DB / importing"
    ./hoso --db "$DB" import "demo/$SCALE"
    echo "== Sinh hoạt chi bộ, xếp loại, hội nghị, chỉ thị mẫu / party work demo data"
    ./hoso --db "$DB" --quiet party-demo || echo "(party-demo failed; continuing)"
fi
echo "== Tổng hợp toàn Đảng ngày 31/12/2025 / national summary on 2025-12-31"
./hoso --db "$DB" summary --on 2025-12-31 | head -15
if ./hoso help | grep -q "^  serve"; then
    if ! ./hoso --db "$DB" user list 2>/dev/null | grep -q "admin"; then
        echo "hoso-demo-2025" | ./hoso --db "$DB" user add admin --role admin --password-stdin
    fi
    echo
    echo "== hoso đang chạy tại / hoso is running at: http://$LISTEN/"
    echo "   Đăng nhập / login: admin  Mật khẩu / password: hoso-demo-2025"
    echo "   (Ctrl+C để dừng / to stop)"
    exec ./hoso --db "$DB" serve --listen "$LISTEN"
fi
