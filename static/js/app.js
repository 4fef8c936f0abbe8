// Small, optional enhancements: every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // A double click sends a form once: a second Confirm would answer "already
  // on" in place of the page that shows the backup codes.
  document.querySelectorAll("form[method=post]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.submitted) {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "yes";
    });
  });

  // A visible wait before a code can be sent again.
  document.querySelectorAll("[data-wait-seconds]").forEach((button) => {
    let left = parseInt(button.dataset.waitSeconds, 10);
    const label = button.textContent;
    const tick = () => {
      if (left > 0) {
        button.disabled = true;
        button.textContent = `${label} (${left} s)`;
        left -= 1;
        setTimeout(tick, 1000);
      } else {
        button.disabled = false;
        button.textContent = label;
      }
    };
    tick();
  });

  const codes = document.querySelector("[data-backup-codes]");
  if (!codes) return;
  const text = () =>
    "kommo2fa backup codes\nEach code works once.\n\n" +
    Array.from(codes.querySelectorAll("li"), (li) => li.textContent.trim()).join("\n") + "\n";
  document.querySelector("[data-copy-codes]")?.addEventListener("click", async (event) => {
    await navigator.clipboard.writeText(text());
    event.target.textContent = "Copied";
  });
  document.querySelector("[data-download-codes]")?.addEventListener("click", () => {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text()], { type: "text/plain" }));
    link.download = "kommo2fa-backup-codes.txt";
    link.click();
    URL.revokeObjectURL(link.href);
  });
  document.querySelector("[data-print-codes]")?.addEventListener("click", () => window.print());
});

// A page restored with the Back button can be submitted again.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form").forEach((form) => delete form.dataset.submitted);
});
