#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run by pam_exec from the lightdm PAM service (greeter_test.py adds it at
# the top of the auth and session stacks): logs the PAM items pam_exec
# exports (PAM_USER, PAM_TTY, PAM_RHOST, ...) and the PAM environment
# LightDM set up, so the test shows what the module sees at a graphical
# login. pam_exec does not export PAM_XDISPLAY; the driver reads the
# module's own syslog line for the tty it saw. The locale variables of the
# process that runs PAM (LightDM's session child, our parent) are logged
# too: they, not the PAM environment, are what gettext would read.
{
	echo "--- $PAM_TYPE $(date +%T)"
	env | grep -E '^(PAM_|DISPLAY=|XAUTHORITY=|XDG_|LANG=|LANGUAGE=)' | sort
	tr '\0' '\n' </proc/$PPID/environ | grep -E '^(LANG|LANGUAGE|LC_[A-Z]+)=' |
		sed "s/^/process $PPID ($(tr '\0' ' ' </proc/$PPID/cmdline)): /"
} >>/var/log/lightdm/sspr-pam-env.log
exit 0
