/* The engine's one export (engine.h): its entry points, and what the front
 * checks them against. */
#include "config.h"
#include "engine.h"
#include "reminder.h"
#include "reset.h"

__attribute__((visibility("default"))) const struct sspr_engine sspr_engine = {
    .abi = SSPR_ENGINE_ABI,
    .version = SSPR_VERSION,
    .policy_size = sizeof(struct sspr_policy),
    .reset = sspr_reset_run,
    .account = sspr_reminder_run,
};
