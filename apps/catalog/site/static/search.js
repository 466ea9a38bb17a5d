// Filters the index's cards by name as you type. Without JavaScript the whole list shows.
document.addEventListener("DOMContentLoaded", () => {
  const input = document.getElementById("q");
  const cards = document.querySelectorAll("#images .card");
  const none = document.querySelector(".no-match");
  if (!input || cards.length === 0) return;
  const filter = () => {
    const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const card of cards) {
      const match = words.every((word) => card.dataset.name.includes(word));
      card.hidden = !match;
      if (match) shown++;
    }
    if (none) none.hidden = shown > 0;
  };
  input.value = new URLSearchParams(location.search).get("q") ?? "";
  input.addEventListener("input", filter);
  input.form?.addEventListener("submit", (event) => event.preventDefault());
  filter();
});
