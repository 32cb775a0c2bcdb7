/* placeholder */ extern int sspr_placeholder_store_lmdb;
