#!/usr/bin/env bash
echo "This project migrates with Prisma's WASM schema engine: run 'npm run migrate -- <deploy|dev|status|reset>'." >&2
exit 1
