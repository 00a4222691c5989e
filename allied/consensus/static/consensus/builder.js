// Drag and drop for the model builder: progressive enhancement over the forms.
//
// Every theme card has a form with a domain, a question and a "Place" button; that form is
// the always-working way to place a theme (keyboard, screen reader, no JavaScript). This
// file only lets a mouse or touchpad user drag a card onto a question inside a domain: the
// drop fills the same form's selects and submits it, so the server sees exactly the same
// request either way.

const cards = document.querySelectorAll("[data-consensus-item]");
const zones = document.querySelectorAll("[data-consensus-drop]");

function formFor(key) {
  return document.getElementById("place-" + key);
}

cards.forEach((card) => {
  if (!formFor(card.dataset.consensusItem)) {
    return;
  }
  card.setAttribute("draggable", "true");
  card.addEventListener("dragstart", (event) => {
    event.dataTransfer.setData("text/plain", card.dataset.consensusItem);
    event.dataTransfer.effectAllowed = "move";
    card.classList.add("consensus-item--dragging");
  });
  card.addEventListener("dragend", () => card.classList.remove("consensus-item--dragging"));
});

zones.forEach((zone) => {
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    zone.classList.add("consensus-drop--over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("consensus-drop--over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("consensus-drop--over");
    const form = formFor(event.dataTransfer.getData("text/plain"));
    if (!form) {
      return;
    }
    form.elements.domain.value = zone.dataset.domain;
    form.elements.question.value = zone.dataset.question;
    form.requestSubmit();
  });
});
