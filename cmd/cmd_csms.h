/* The built-in CSMS (`chargefleet csms`): a websocket server on its own libuv loop
 * that agrees ocpp1.6 and ocpp2.0.1, accepts every BootNotification (or answers the
 * status given), Heartbeats and StatusNotifications, and answers any other CALL with
 * NotImplemented. For demos, self-checks and as a fast load sink for benchmarks —
 * never a test oracle. */
#ifndef CMD_CSMS_H
#define CMD_CSMS_H

/* argv[0] is "csms". Returns the process exit code. */
int cmd_csms(int argc, char **argv);

#endif
