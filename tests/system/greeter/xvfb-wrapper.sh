#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# LightDM's xserver-command: LightDM starts an Xorg-style command line
# (":0 -seat seat0 -auth FILE -nolisten tcp vt7 -novtswitch"). Xvfb takes
# the display, -seat, -auth, -nolisten and -background, but the VT options
# belong to Xorg's hardware layer and Xvfb refuses them with a usage
# message, so they are dropped here. The command line LightDM gave is
# logged for the test's report. exec: LightDM waits for the SIGUSR1 an X
# server sends its parent when it is ready, so Xvfb must be its child.
echo "$*" >>/var/log/lightdm/sspr-xserver-args.log
for a do
	shift
	case $a in
	vt[0-9]* | -novtswitch | -keeptty | -sharevts) continue ;;
	esac
	set -- "$@" "$a"
done
exec /usr/bin/Xvfb "$@" -screen 0 1024x768x24
