/* placeholder */ extern int sspr_placeholder_record;
