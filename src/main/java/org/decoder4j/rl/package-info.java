/**
 * Learning from rewards and preferences: rollouts, REINFORCE, PPO (value head, GAE, KL control)
 * and DPO. It may use everything below it: {@code tensor}, {@code nn}, {@code optim},
 * {@code data}, {@code io} and {@code generate}.
 */
package org.decoder4j.rl;
