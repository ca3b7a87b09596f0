namespace Portal.Benchmarks;

using Portal.Core.Secrets;
using Portal.Infrastructure.Secrets;

/// <summary>Secrets kept as given: the benchmarks measure deliveries, not Data Protection.</summary>
internal sealed class PlainSecrets : ISecretProtector
{
    public string Protect(SecretKind kind, string plaintext) => plaintext;

    public string Unprotect(SecretKind kind, string cipher) => cipher;
}
