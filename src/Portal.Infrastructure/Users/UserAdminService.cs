namespace Portal.Infrastructure.Users;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Access;
using Portal.Core.Validation;
using Portal.Infrastructure.Audit;
using Portal.Infrastructure.Identity;
using Portal.Infrastructure.Persistence;

/// <summary>
/// Adds users, changes their role, removes them. Every change renews the user's security stamp, so
/// open sessions and Blazor circuits lose the old rights at their next revalidation (one minute).
/// </summary>
public sealed class UserAdminService(UserManager<PortalUser> users, PortalDbContext db)
{
    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(cancellationToken);
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name })
            .ToListAsync(cancellationToken);
        var customers = await db.Customers.IgnoreQueryFilters().AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var now = DateTimeOffset.UtcNow;
        return rows.Select(u => new UserSummary(
            u.Id, u.Email ?? "", u.DisplayName,
            roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order().ToList(),
            u.CustomerId,
            u.CustomerId is { } c && customers.TryGetValue(c, out var name) ? name : null,
            u.LockoutEnd > now)).ToList();
    }

    /// <summary>Creates the user; returns it with the password to hand over (generated when none was given).</summary>
    public async Task<(PortalUser User, string Password)> CreateAsync(NewUser input, CancellationToken cancellationToken)
    {
        var email = input.Email?.Trim() ?? "";
        var errors = new FieldErrors()
            .Require(System.Net.Mail.MailAddress.TryCreate(email, out var parsed) && parsed.Address == email, "email", "Enter a valid email address.");
        await CheckRoleAsync(errors, input.Role, input.CustomerId, cancellationToken);
        if (errors.IsValid && await users.FindByEmailAsync(email) is not null)
            errors.Add("email", $"A user with the email '{email}' already exists.");
        errors.ThrowIfInvalid();

        var password = string.IsNullOrEmpty(input.Password) ? PasswordGenerator.Create() : input.Password;
        var user = new PortalUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(input.DisplayName) ? email : input.DisplayName.Trim(),
            CustomerId = input.Role == Roles.Customer ? input.CustomerId : null,
        };
        // One transaction: a user is never left without its role.
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        ThrowOnFailure(await users.CreateAsync(user, password), "password");
        ThrowOnFailure(await users.AddToRoleAsync(user, input.Role!), "role");
        AuditLog.Record(db, "UserCreated", "User", user.Id, user.CustomerId, $"{email} as {input.Role}");
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return (user, password);
    }

    /// <summary>Whether a user with this id exists.</summary>
    public async Task<bool> ExistsAsync(string userId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await users.FindByIdAsync(userId) is not null;
    }

    public async Task SetRoleAsync(string userId, string? role, Guid? customerId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId) ?? throw new KeyNotFoundException($"No user {userId}.");
        var errors = new FieldErrors();
        await CheckRoleAsync(errors, role, customerId, cancellationToken);
        errors.ThrowIfInvalid();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var current = await users.GetRolesAsync(user);
        ThrowOnFailure(await users.RemoveFromRolesAsync(user, current), "role");
        ThrowOnFailure(await users.AddToRoleAsync(user, role!), "role");
        user.CustomerId = role == Roles.Customer ? customerId : null;
        ThrowOnFailure(await users.UpdateAsync(user), "role");
        // Role changes do not renew the stamp by themselves; without this an open session keeps the old role.
        ThrowOnFailure(await users.UpdateSecurityStampAsync(user), "role");
        AuditLog.Record(db, "UserRoleChanged", "User", user.Id, user.CustomerId, $"{string.Join("+", current)} -> {role}");
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    public async Task DeleteAsync(string userId, string? actingUserId, CancellationToken cancellationToken)
    {
        if (userId == actingUserId) throw new ValidationException("user", "You cannot remove yourself.");
        var user = await users.FindByIdAsync(userId) ?? throw new KeyNotFoundException($"No user {userId}.");
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        ThrowOnFailure(await users.DeleteAsync(user), "user");
        AuditLog.Record(db, "UserDeleted", "User", user.Id, user.CustomerId, user.Email ?? "");
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    private async Task CheckRoleAsync(FieldErrors errors, string? role, Guid? customerId, CancellationToken cancellationToken)
    {
        if (role is null || !Roles.IsKnown(role))
        {
            errors.Add("role", $"Choose one of: {string.Join(", ", Roles.All)}.");
            return;
        }
        if (role != Roles.Customer) return;
        if (customerId is null)
            errors.Add("customerId", "A Customer user belongs to exactly one customer: choose it.");
        else if (!await db.Customers.IgnoreQueryFilters().AnyAsync(c => c.Id == customerId, cancellationToken))
            errors.Add("customerId", "That customer does not exist.");
    }

    private static void ThrowOnFailure(IdentityResult result, string field)
    {
        if (result.Succeeded) return;
        var errors = new FieldErrors();
        foreach (var e in result.Errors) errors.Add(field, e.Description);
        throw new ValidationException(errors);
    }
}
