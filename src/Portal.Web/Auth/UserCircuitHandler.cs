namespace Portal.Web.Auth;

using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

/// <summary>
/// Copies the circuit's authentication state into <see cref="CircuitPrincipal"/> and follows its
/// changes, so services outside components (the tenant filter) see the user the circuit sees,
/// including a sign-out forced by revalidation.
/// </summary>
internal sealed class UserCircuitHandler(AuthenticationStateProvider authentication, CircuitPrincipal principal) : CircuitHandler, IDisposable
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        authentication.AuthenticationStateChanged += OnChanged;
        principal.User = (await authentication.GetAuthenticationStateAsync()).User;
    }

    public override async Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken) =>
        principal.User = (await authentication.GetAuthenticationStateAsync()).User;

    private void OnChanged(Task<AuthenticationState> state) => _ = UpdateAsync(state);

    private async Task UpdateAsync(Task<AuthenticationState> state)
    {
        try
        {
            principal.User = (await state).User;
        }
        catch
        {
            // A failed state is treated as signed out: fail closed.
            principal.User = new System.Security.Claims.ClaimsPrincipal();
        }
    }

    public void Dispose() => authentication.AuthenticationStateChanged -= OnChanged;
}
