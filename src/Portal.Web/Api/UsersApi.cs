namespace Portal.Web.Api;

using System.Security.Claims;
using Portal.Infrastructure.ApiTokens;
using Portal.Infrastructure.Users;
using Portal.Web.Auth;

/// <summary>
/// Users and their tokens for admins, so provisioning can be automated: a generated password and a token are
/// shown once, in the answer that creates them. Every change is audited.
/// </summary>
internal static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization(Policies.Admin);

        users.MapGet("/", async (UserAdminService admin, CancellationToken ct) =>
        {
            var list = await admin.ListAsync(ct);
            return TypedResults.Ok(new ListResponse<UserDto>(list.Select(UserDto.From).ToList(), list.Count));
        });

        users.MapPost("/", async (CreateUserRequest request, UserAdminService admin, CancellationToken ct) =>
        {
            var (user, password) = await admin.CreateAsync(new NewUser(request.Email, null, request.Role, request.CustomerId), ct);
            return TypedResults.Created($"/api/v1/users/{user.Id}", new CreatedUserDto(user.Id, user.Email!, request.Role!, user.CustomerId, password));
        });

        users.MapDelete("/{id}", async (string id, ClaimsPrincipal me, UserAdminService admin, CancellationToken ct) =>
        {
            await admin.DeleteAsync(id, me.FindFirstValue(ClaimTypes.NameIdentifier), ct);
            return TypedResults.NoContent();
        });

        users.MapPost("/{id}/tokens", async Task<IResult> (string id, CreateTokenRequest request, UserAdminService admin, ApiTokenService tokens, CancellationToken ct) =>
        {
            if (!await admin.ExistsAsync(id, ct)) return TypedResults.NotFound();
            var (token, secret) = await tokens.CreateAsync(id, request.Name, null, ct);
            return TypedResults.Created($"/api/v1/tokens/{token.Id}", new CreatedTokenDto(token.Id, token.Name, secret));
        });

        api.MapDelete("/tokens/{id:guid}", async Task<IResult> (Guid id, ApiTokenService tokens, CancellationToken ct) =>
            await tokens.RevokeAsync(id, null, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithTags("Users").RequireAuthorization(Policies.Admin);
        return api;
    }
}

public sealed record CreateUserRequest(string? Email, string? Role, Guid? CustomerId);

public sealed record CreateTokenRequest(string? Name);

public sealed record UserDto(string Id, string Email, string? Role, Guid? CustomerId, bool LockedOut)
{
    public static UserDto From(UserSummary u) => new(u.Id, u.Email, u.Roles.Count > 0 ? u.Roles[0] : null, u.CustomerId, u.LockedOut);
}

/// <summary>A new user with the password it signs in with, shown only in this answer.</summary>
public sealed record CreatedUserDto(string Id, string Email, string Role, Guid? CustomerId, string Password);

/// <summary>A new token, shown only in this answer.</summary>
public sealed record CreatedTokenDto(Guid Id, string Name, string Token);
