#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The test session (sspr-test.desktop) LightDM starts after the scripted
# greeter's login. It writes a marker saying whom it runs as (the proof
# that the login gave alice's session, not the greeter's or root's), shows
# a window and takes a screenshot of it, and ends, so that LightDM brings
# the greeter back for the next run of the script.
out=/tmp/sspr-greeter-test
run=$(cat "$out/current-run" 2>/dev/null || echo unknown)
{
	echo "run=$run"
	echo "user=$(id -un)"
	echo "uid=$(id -u)"
	echo "groups=$(id -Gn)"
	echo "home=$HOME"
	echo "display=${DISPLAY-}"
	echo "xdg_session_class=${XDG_SESSION_CLASS-}"
	echo "xdg_session_type=${XDG_SESSION_TYPE-}"
	echo "time=$(date +%s.%N)"
} >"$out/session-$run.tmp" && mv "$out/session-$run.tmp" "$out/session-$run.txt"
python3 /usr/local/lib/sspr-greeter-test/session_window.py "$run" >"$out/session-$run.log" 2>&1
echo "window_status=$?" >>"$out/session-$run.txt"
exit 0
