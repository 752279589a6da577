// One verification through an app's chain of verification providers: the first that offers the
// check and answers decides; a vendor that is down (or whose breaker is open) passes it on.
import type { VerificationProvider, VerificationRequest, VerificationResult } from '../plugin-api.ts';
import type { Attempt, ProviderChain } from '../providers/provider-chain.ts';

export function verifyThroughChain(chain: ProviderChain<VerificationProvider>, request: VerificationRequest): Promise<Attempt<VerificationResult>> {
  return chain.run(
    (impl) => impl.verify(request),
    (impl) => impl.checks.includes(request.check),
  );
}
